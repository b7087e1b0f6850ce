//go:build linux

package localpg

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHelperProcess is not a test: TestKill9LeavesNoOrphan runs the test
// binary with it as a stand-in service that starts a server and then waits
// to be killed.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		return
	}
	s, err := Start(context.Background(), Config{DataDir: dir, Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(2)
	}
	fmt.Printf("%s%d\n", pidPrefix, s.PID())
	time.Sleep(time.Hour)
}

func TestKill9LeavesNoOrphan(t *testing.T) {
	requirePG(t)
	t.Parallel()
	dataDir := filepath.Join(baseDir(t), "pg")

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+dataDir)
	cmd.Stderr = t.Output()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	pidc := make(chan int, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), pidPrefix); ok {
				pid, _ := strconv.Atoi(v)
				pidc <- pid
				break
			}
		}
		io.Copy(io.Discard, out)
		close(pidc)
	}()
	var pid int
	select {
	case pid = <-pidc:
	case <-time.After(2 * time.Minute):
		t.Fatal("helper did not report a postgres pid")
	}
	if pid <= 0 || !processAlive(pid) {
		t.Fatalf("helper reported pid %d, not a live process", pid)
	}
	kids := childPids(pid)

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	t0 := time.Now()
	waitGone(t, 10*time.Second, pid)
	t.Logf("postgres %d gone %v after kill -9 of its parent", pid, time.Since(t0))
	waitGone(t, 10*time.Second, kids...)

	log, _ := os.ReadFile(filepath.Join(dataDir, "log", "postgres.log"))
	if !strings.Contains(string(log), "fast shutdown request") {
		t.Errorf("server log shows no fast shutdown (SIGINT) after the parent died:\n%s", log)
	}
}

// onDoomedThread runs f on a goroutine locked to an OS thread other than the
// main one, lets that goroutine return while locked (so the runtime
// terminates the thread), and waits until the thread is gone. It returns the
// thread id.
func onDoomedThread(t *testing.T, f func()) int {
	t.Helper()
	tidc := make(chan int, 1)
	var run func()
	run = func() {
		runtime.LockOSThread() // never unlocked
		if tid := syscall.Gettid(); tid != os.Getpid() {
			f()
			tidc <- tid
			return
		}
		// On the main thread, which Go never terminates: while we hold it,
		// a new goroutine must run on another thread.
		done := make(chan struct{})
		go func() { defer close(done); run() }()
		<-done
		runtime.UnlockOSThread()
	}
	go run()
	tid := <-tidc
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(fmt.Sprintf("/proc/self/task/%d", tid)); errors.Is(err, os.ErrNotExist) {
			return tid
		}
		if time.Now().After(deadline) {
			t.Fatalf("thread %d was not terminated", tid)
		}
	}
}

// TestSurvivesStarterThreadExit checks the Pdeathsig thread gotcha: the
// kernel signals the child when the thread that forked it exits. Start is
// called on a thread that then terminates; postgres must keep running.
func TestSurvivesStarterThreadExit(t *testing.T) {
	requirePG(t)
	t.Parallel()
	dataDir := filepath.Join(baseDir(t), "pg")
	var s *Server
	var err error
	tid := onDoomedThread(t, func() {
		s, err = Start(ctxTimeout(t, 2*time.Minute), Config{DataDir: dataDir, Logger: testLogger(t)})
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(t, s) })
	t.Logf("Start ran on thread %d, which has exited", tid)
	time.Sleep(500 * time.Millisecond) // give a wrongly sent SIGINT time to act
	if !processAlive(s.PID()) {
		t.Fatal("postgres died when the thread that called Start exited")
	}
	var one int
	if err := connect(t, s).QueryRow(ctxTimeout(t, 10*time.Second), "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
}

func TestUnexpectedExitWait(t *testing.T) {
	requirePG(t)
	t.Parallel()
	s, _ := start(t, Config{DataDir: filepath.Join(baseDir(t), "pg")})
	kids := childPids(s.PID())
	if err := syscall.Kill(s.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- s.Wait() }()
	select {
	case err := <-errc:
		if err == nil || !strings.Contains(err.Error(), "exited unexpectedly") {
			t.Errorf("Wait = %v, want an unexpected-exit error", err)
		}
		t.Logf("Wait: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not return after postgres was killed")
	}
	waitGone(t, 10*time.Second, kids...)
	if err := s.Stop(context.Background()); err != nil {
		t.Errorf("Stop after exit = %v, want nil", err)
	}
}
