package testkit

import (
	"syscall"
	"time"
)

// stopGrace is how long StopProcess lets a process end on SIGTERM before it kills it.
const stopGrace = 10 * time.Second

// StopProcess ends the process pid, whose Wait closes exited: SIGTERM, then SIGKILL when it
// has not exited within 10 s. It returns once the process has exited, at once when it had.
func StopProcess(pid int, exited <-chan struct{}) {
	select {
	case <-exited:
		return
	default:
	}
	_ = syscall.Kill(pid, syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(stopGrace):
		_ = syscall.Kill(pid, syscall.SIGKILL)
		<-exited
	}
}
