package cli

import (
	"bytes"
	"os"
	"strconv"
)

// selinuxEnabled reports whether SELinux is active: its file system is
// mounted where libselinux looks for it.
func selinuxEnabled() bool {
	_, err := os.Stat("/sys/fs/selinux/enforce")
	return err == nil
}

// processContext is a process's SELinux context, from /proc/PID/attr/current.
func processContext(pid int) (string, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/attr/current")
	if err != nil {
		return "", false
	}
	b = bytes.TrimRight(b, "\x00\n")
	if len(b) == 0 {
		return "", false
	}
	return string(b), true
}
