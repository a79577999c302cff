package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

// A read-only root filesystem for a process started by a test, with Linux Landlock: the test
// binary re-executes itself as a wrapper that allows writes beneath the given directories only
// (the pod's writable volumes), drops to the pod's user, and executes the program. Unlike
// running as a user that owns nothing else, this also refuses writes to world-writable places
// such as /tmp, as a pod's read-only root does.
const (
	envROWritable = "SLUICE_TEST_RO_WRITABLE" // directories, separated by ":"
	envROUID      = "SLUICE_TEST_RO_UID"      // the user (and group) to run as; empty: stay
)

// Landlock's system calls and access rights (linux/landlock.h).
const (
	sysLandlockCreateRuleset = 444
	sysLandlockAddRule       = 445
	sysLandlockRestrictSelf  = 446
	landlockRulePathBeneath  = 1
	prSetNoNewPrivs          = 38
	// Every right that changes the filesystem, as of ABI 1; REFER (ABI 2) and TRUNCATE (ABI 3)
	// are added when the kernel has them.
	fsWriteABI1 = 1<<1 | 1<<4 | 1<<5 | 1<<6 | 1<<7 | 1<<8 | 1<<9 | 1<<10 | 1<<11 | 1<<12
	fsRefer     = 1 << 13
	fsTruncate  = 1 << 14
	fsWriteFile = 1 << 1
	oPath       = 0x200000 // O_PATH: a handle to name a directory, not to read it
)

func TestMain(m *testing.M) {
	if dirs, ok := os.LookupEnv(envROWritable); ok {
		// Only returns on failure: the wrapper becomes the program.
		fmt.Fprintf(os.Stderr, "read-only root wrapper: %v\n", readOnlyRootExec(dirs, os.Args[1:]))
		os.Exit(126)
	}
	os.Exit(m.Run())
}

// landlockABI is the kernel's Landlock version, 0 when it has none (or it is disabled).
func landlockABI() int {
	v, _, errno := syscall.Syscall(sysLandlockCreateRuleset, 0, 0, 1) // LANDLOCK_CREATE_RULESET_VERSION
	if errno != 0 {
		return 0
	}
	return int(v)
}

// readOnlyRoot turns cmd into a run of itself under the wrapper: writes beneath writable only,
// as uid (and gid) when uid is not empty. It reports false, leaving cmd alone, when the kernel
// has no Landlock.
func readOnlyRoot(cmd *exec.Cmd, writable []string, uid string) bool {
	if landlockABI() == 0 {
		return false
	}
	self, err := os.Executable()
	if err != nil {
		return false
	}
	cmd.Args = append([]string{self}, append([]string{cmd.Path}, cmd.Args[1:]...)...)
	cmd.Path = self
	cmd.Env = append(cmd.Env, envROWritable+"="+strings.Join(writable, ":"), envROUID+"="+uid)
	return true
}

// readOnlyRootExec is the wrapper: it restricts this thread (the program inherits it across
// exec), drops privileges and executes args with the environment minus its own variables.
func readOnlyRootExec(dirs string, args []string) error {
	runtime.LockOSThread()
	if len(args) == 0 {
		return fmt.Errorf("no program")
	}
	if err := restrictWrites(filepath.SplitList(dirs)); err != nil {
		return err
	}
	if v := os.Getenv(envROUID); v != "" {
		id, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%s=%q: %w", envROUID, v, err)
		}
		if err := dropTo(id); err != nil {
			return err
		}
	}
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, envROWritable+"=") && !strings.HasPrefix(e, envROUID+"=") {
			env = append(env, e)
		}
	}
	return syscall.Exec(args[0], args, env)
}

func dropTo(id int) error {
	if err := syscall.Setgroups(nil); err != nil {
		return fmt.Errorf("setgroups: %w", err)
	}
	if err := syscall.Setgid(id); err != nil {
		return fmt.Errorf("setgid: %w", err)
	}
	if err := syscall.Setuid(id); err != nil {
		return fmt.Errorf("setuid: %w", err)
	}
	return nil
}

// restrictWrites makes every change to the filesystem fail with EACCES except beneath dirs
// (and writes to /dev/null, which a container's /dev allows).
func restrictWrites(dirs []string) error {
	handled := uint64(fsWriteABI1)
	abi := landlockABI()
	if abi >= 2 {
		handled |= fsRefer
	}
	if abi >= 3 {
		handled |= fsTruncate
	}
	attr := struct{ handledFS uint64 }{handled}
	fd, _, errno := syscall.Syscall(sysLandlockCreateRuleset, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr), 0)
	if errno != 0 {
		return fmt.Errorf("landlock_create_ruleset: %w", errno)
	}
	for _, d := range dirs {
		if err := allowBeneath(int(fd), d, handled); err != nil {
			return err
		}
	}
	if err := allowBeneath(int(fd), "/dev/null", fsWriteFile|handled&fsTruncate); err != nil {
		return err
	}
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0); errno != 0 {
		return fmt.Errorf("no_new_privs: %w", errno)
	}
	if _, _, errno := syscall.RawSyscall(sysLandlockRestrictSelf, fd, 0, 0); errno != 0 {
		return fmt.Errorf("landlock_restrict_self: %w", errno)
	}
	return nil
}

func allowBeneath(ruleset int, path string, access uint64) error {
	fd, err := syscall.Open(path, oPath|syscall.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("landlock: %s: %w", path, err)
	}
	defer syscall.Close(fd)
	// struct landlock_path_beneath_attr is packed: a u64 then an s32.
	var attr [12]byte
	*(*uint64)(unsafe.Pointer(&attr[0])) = access
	*(*int32)(unsafe.Pointer(&attr[8])) = int32(fd)
	if _, _, errno := syscall.Syscall6(sysLandlockAddRule, uintptr(ruleset), landlockRulePathBeneath,
		uintptr(unsafe.Pointer(&attr[0])), 0, 0, 0); errno != 0 {
		return fmt.Errorf("landlock_add_rule %s: %w", path, errno)
	}
	return nil
}

// The wrapper refuses a write outside the writable directories, also to a directory anyone
// may write to, and allows one beneath them.
func TestReadOnlyRootRefusesWritesOutsideVolumes(t *testing.T) {
	t.Parallel()
	if landlockABI() == 0 {
		t.Skip("the kernel has no Landlock: the read-only root cannot be enforced here")
	}
	root := podRoot(t)
	vol, other := filepath.Join(root, "vol"), filepath.Join(root, "other")
	for _, d := range []string{vol, other} {
		if err := os.Mkdir(d, 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, 0o777); err != nil { // world-writable, as /tmp
			t.Fatal(err)
		}
	}
	touch := func(file string) error {
		cmd := exec.Command("/usr/bin/touch", file)
		cmd.Env = []string{"PATH=/usr/bin:/bin"}
		readOnlyRoot(cmd, []string{vol}, "")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%w: %s", err, out)
		}
		return nil
	}
	if err := touch(filepath.Join(vol, "ok")); err != nil {
		t.Errorf("write beneath a writable volume refused: %v", err)
	}
	if err := touch(filepath.Join(other, "no")); err == nil {
		t.Errorf("write outside the writable volumes allowed")
	}
}
