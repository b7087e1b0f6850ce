package dbtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// ReplicaPair starts a PostgreSQL primary and a streaming standby of it
// with scripts/pg-replica.sh (the installed server binaries), both stopped
// and removed when the test ends. It returns their URLs and the directory
// holding them (DIR/primary, DIR/standby).
func ReplicaPair(tb testing.TB) (primaryURL, standbyURL, dir string) {
	tb.Helper()
	if m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_basebackup"); len(m) == 0 {
		tb.Skip("no PostgreSQL server binaries installed (apt-get install postgresql)")
	}
	d, err := os.MkdirTemp("/var/tmp", "tiendo-replica-")
	if err != nil {
		tb.Fatal(err)
	}
	port := freePortPair(tb)
	script := ReplicaScript()
	tb.Cleanup(func() {
		exec.Command(script, "stop", d).Run()
		os.RemoveAll(d)
	})
	out, err := exec.Command(script, "start", d, fmt.Sprint(port)).CombinedOutput()
	if err != nil {
		tb.Fatalf("pg-replica.sh start: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-2], lines[len(lines)-1], d
}

// ReplicaScript is the path of scripts/pg-replica.sh.
func ReplicaScript() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "scripts", "pg-replica.sh")
}

func freePortPair(tb testing.TB) int {
	tb.Helper()
	for p := 41000 + os.Getpid()%4000*2; p < 60000; p += 2 {
		a, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			continue
		}
		b, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p+1))
		a.Close()
		if err != nil {
			continue
		}
		b.Close()
		return p
	}
	tb.Fatal("no two free ports")
	return 0
}
