package db_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
)

func TestParseLSN(t *testing.T) {
	for _, c := range []struct {
		in   string
		want db.LSN
		bad  bool
	}{
		{"0/0", 0, false},
		{"0/3001150", 0x3001150, false},
		{"16/B374D848", 0x16_B374D848, false},
		{"16B374D848", 0, true},
		{"x/1", 0, true},
		{"1/100000000", 0, true},
	} {
		got, err := db.ParseLSN(c.in)
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("ParseLSN(%q) = %v, %v; want %v, bad=%v", c.in, got, err, c.want, c.bad)
		}
		if !c.bad && got.String() != strings.ToUpper(c.in) {
			t.Errorf("%q prints as %q", c.in, got.String())
		}
	}
}

func TestParseReplicaURLs(t *testing.T) {
	got, err := db.ParseReplicaURLs("postgres://a@h1:5433/x, postgres://a@h2:5433/x")
	if err != nil || len(got) != 2 {
		t.Fatalf("got %v, %v", got, err)
	}
	if _, err := db.ParseReplicaURLs(" , "); err == nil {
		t.Error("an empty list is accepted")
	}
	if _, err := db.ParseReplicaURLs("postgres://a:secret@h1:notaport/x"); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("a bad URL: %v (must be refused, without its password)", err)
	}
}

func TestReplicas(t *testing.T) {
	primaryURL, standbyURL, dir := dbtest.ReplicaPair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	primary, err := db.Open(ctx, primaryURL, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer primary.Close()
	if _, err := primary.Pool.Exec(ctx, `create table seen (n int)`); err != nil {
		t.Fatal(err)
	}
	var measured atomic.Pointer[[]db.ReplicaStatus]
	rs, err := db.OpenReplicas(ctx, primary, []string{standbyURL}, db.Options{},
		db.ReplicaOptions{MaxLag: 600 * time.Millisecond, Wait: 2 * time.Second, Poll: 50 * time.Millisecond,
			Measured: func(st []db.ReplicaStatus) { measured.Store(&st) }})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go rs.Run(runCtx)

	waitFor(t, "the standby serving reads", func() bool { return rs.Status()[0].Serving })
	waitFor(t, "Measured told the standby serves", func() bool {
		st := measured.Load()
		return st != nil && len(*st) == 1 && (*st)[0].Serving && (*st)[0].Name == rs.Status()[0].Name
	})

	t.Run("a writer reads its own write on the replica", func(t *testing.T) {
		for i := 1; i <= 20; i++ {
			if _, err := primary.Pool.Exec(ctx, `insert into seen values ($1)`, i); err != nil {
				t.Fatal(err)
			}
			lsn, err := primary.WALPosition(ctx)
			if err != nil {
				t.Fatal(err)
			}
			r := rs.Reader(ctx, lsn)
			if r == primary {
				t.Fatalf("write %d: read went to the primary though the standby is up", i)
			}
			var n int
			if err := r.Pool.QueryRow(ctx, `select count(*) from seen`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != i {
				t.Fatalf("after write %d the replica read sees %d rows", i, n)
			}
		}
	})

	t.Run("a replica whose replay is paused is skipped once too far behind", func(t *testing.T) {
		standby := rs.Reader(ctx, 0)
		if standby == primary {
			t.Fatal("no replica serving")
		}
		if _, err := standby.Pool.Exec(ctx, `select pg_wal_replay_pause()`); err != nil {
			t.Fatal(err)
		}
		defer standby.Pool.Exec(context.Background(), `select pg_wal_replay_resume()`)
		if _, err := primary.Pool.Exec(ctx, `insert into seen values (100)`); err != nil {
			t.Fatal(err)
		}
		lsn, _ := primary.WALPosition(ctx)
		start := time.Now()
		if r := rs.Reader(ctx, lsn); r != primary {
			t.Fatal("a read that must see a write the replica has not replayed went to the replica")
		}
		if waited := time.Since(start); waited < time.Second {
			t.Errorf("gave up after %v, want the 2 s wait bound first", waited)
		}
		waitFor(t, "the lagging standby skipped", func() bool { return !rs.Status()[0].Serving })
		if st := rs.Status()[0]; !st.Up || st.Lag <= 600*time.Millisecond {
			t.Errorf("status %+v: want up with lag past 600ms", st)
		}
		if r := rs.Reader(ctx, 0); r != primary {
			t.Error("a read with no write to see still goes to a replica past MaxLag")
		}
		if _, err := standby.Pool.Exec(ctx, `select pg_wal_replay_resume()`); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the standby serving again", func() bool { return rs.Status()[0].Serving })
	})

	t.Run("a replica that is down is skipped, and taken back", func(t *testing.T) {
		script := dbtest.ReplicaScript()
		pgctl, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
		stopCmd := exec.Command("runuser", "-u", "postgres", "--", pgctl[len(pgctl)-1], "-D", filepath.Join(dir, "standby"), "-m", "immediate", "-w", "stop")
		if os.Getuid() != 0 {
			stopCmd = exec.Command(pgctl[len(pgctl)-1], "-D", filepath.Join(dir, "standby"), "-m", "immediate", "-w", "stop")
		}
		if out, err := stopCmd.CombinedOutput(); err != nil {
			t.Fatalf("stop standby: %v\n%s", err, out)
		}
		waitFor(t, "the stopped standby skipped", func() bool { return !rs.Status()[0].Up })
		if r := rs.Reader(ctx, 0); r != primary {
			t.Error("a read went to a replica that is down")
		}
		if st := rs.Status()[0]; st.Error == "" {
			t.Errorf("status %+v names no reason", st)
		}
		if out, err := exec.Command(script, "start", dir).CombinedOutput(); err != nil {
			t.Fatalf("restart: %v\n%s", err, out)
		}
		waitFor(t, "the restarted standby serving", func() bool { return rs.Status()[0].Serving })
	})
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
