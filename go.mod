module github.com/mahavishnu/mcp-grafana

go 1.26.5

require github.com/magefile/mage v1.15.0
