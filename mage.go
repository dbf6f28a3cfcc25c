//go:build ignore

// Runs the targets of Magefile.go without installing mage: go run mage.go <target>
// (go run mage.go -l lists them). The mage version is the one go.mod pins.
package main

import (
	"os"

	"github.com/magefile/mage/mage"
)

func main() { os.Exit(mage.Main()) }
