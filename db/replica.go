package db

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// LSN is a position in PostgreSQL's write-ahead log ("16/B374D848").
type LSN uint64

// ParseLSN reads PostgreSQL's text form of an LSN.
func ParseLSN(s string) (LSN, error) {
	hi, lo, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return 0, fmt.Errorf("LSN %q: want two hexadecimal halves separated by /", s)
	}
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("LSN %q: want two hexadecimal halves separated by /", s)
	}
	return LSN(h<<32 | l), nil
}

func (l LSN) String() string { return fmt.Sprintf("%X/%X", uint64(l)>>32, uint64(l)&0xffffffff) }

// WALPosition returns where the primary's write-ahead log ends now: a replica
// that has replayed it sees every transaction committed before the call. A
// writer calls it after its commit and reads at that position or later.
func (db *DB) WALPosition(ctx context.Context) (LSN, error) {
	var s string
	if err := db.Pool.QueryRow(ctx, `select pg_current_wal_insert_lsn()::text`).Scan(&s); err != nil {
		return 0, mapErr(err, "WAL position")
	}
	return ParseLSN(s)
}

// ReplicaOptions tune how reads are spread over replicas.
type ReplicaOptions struct {
	// MaxLag: a replica further behind the primary than this serves no
	// read (default 5 s).
	MaxLag time.Duration
	// Wait bounds how long a read that must see a given write waits for a
	// replica to replay it before it goes to the primary (default 500 ms).
	Wait time.Duration
	// Poll is how often each replica's position is measured (default 200 ms).
	Poll   time.Duration
	Logger *slog.Logger
	// Measured, if set, is given every replica's status after each
	// measurement of Run (the server exports them as metrics).
	Measured func([]ReplicaStatus)
}

func (o ReplicaOptions) withDefaults() ReplicaOptions {
	if o.MaxLag <= 0 {
		o.MaxLag = 5 * time.Second
	}
	if o.Wait <= 0 {
		o.Wait = 500 * time.Millisecond
	}
	if o.Poll <= 0 {
		o.Poll = 200 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Replicas sends reads to PostgreSQL streaming replicas that are up and
// close enough behind the primary, and everything else to the primary.
// Measure runs in the background (Run); Reader picks per read.
type Replicas struct {
	primary *DB
	members []*replica
	opt     ReplicaOptions
	next    atomic.Uint32

	mu      sync.Mutex
	samples []walSample // the primary's positions over the last MaxLag or so
}

// walSample is where the primary's log ended at a moment.
type walSample struct {
	at  time.Time
	lsn LSN
}

type replica struct {
	name     string
	db       *DB
	up       atomic.Bool
	replayed atomic.Uint64
	lag      atomic.Int64 // nanoseconds
	err      atomic.Pointer[string]
}

// ReplicaStatus is one replica as last measured (for /readyz and metrics).
type ReplicaStatus struct {
	Name     string        // host:port
	Up       bool          // answering and in recovery (a standby)
	Lag      time.Duration // how far its replay is behind the primary
	Replayed LSN
	Error    string // why it is down
	Serving  bool   // up and within MaxLag: it takes reads
}

// OpenReplicas connects to the replicas at urls (a replica that does not
// answer yet is not an error: it is measured again, and skipped until it
// answers). Call Run to keep the measures current, Close to end.
func OpenReplicas(ctx context.Context, primary *DB, urls []string, dbopt Options, opt ReplicaOptions) (*Replicas, error) {
	rs := &Replicas{primary: primary, opt: opt.withDefaults()}
	for _, u := range urls {
		d, err := OpenLazy(u, dbopt)
		if err != nil {
			rs.Close()
			return nil, fmt.Errorf("replica %s: %w", redactURL(u), err)
		}
		rs.members = append(rs.members, &replica{name: d.Pool.Config().ConnConfig.Host + ":" + strconv.Itoa(int(d.Pool.Config().ConnConfig.Port)), db: d})
	}
	rs.measure(ctx)
	return rs, nil
}

// Close closes the replicas' pools (not the primary's).
func (rs *Replicas) Close() {
	for _, m := range rs.members {
		m.db.Close()
	}
}

// Run measures the replicas every Poll until ctx ends, telling Measured.
func (rs *Replicas) Run(ctx context.Context) {
	t := time.NewTicker(rs.opt.Poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			rs.measure(ctx)
			if rs.opt.Measured != nil {
				rs.opt.Measured(rs.Status())
			}
		}
	}
}

// measure samples the primary's position, then each replica's replay
// position, and derives each replica's lag: the age of the oldest sample of
// the primary that the replica has not yet replayed (0 when it has replayed
// all of them). A replica that is idle because the primary is idle is not
// behind.
func (rs *Replicas) measure(ctx context.Context) {
	now := time.Now()
	if p, err := rs.primary.WALPosition(ctx); err == nil {
		rs.mu.Lock()
		rs.samples = append(rs.samples, walSample{now, p})
		// Keep what the lag can be measured against, and a little more.
		keep := now.Add(-2*rs.opt.MaxLag - 2*rs.opt.Poll)
		i := 0
		for i < len(rs.samples)-1 && rs.samples[i].at.Before(keep) {
			i++
		}
		rs.samples = rs.samples[i:]
		rs.mu.Unlock()
	}
	for _, m := range rs.members {
		rs.measureOne(ctx, m, now)
	}
}

func (rs *Replicas) measureOne(ctx context.Context, m *replica, now time.Time) {
	qctx, cancel := context.WithTimeout(ctx, rs.opt.Poll+time.Second)
	defer cancel()
	var standby bool
	var replayed *string
	err := m.db.Pool.QueryRow(qctx, `select pg_is_in_recovery(), pg_last_wal_replay_lsn()::text`).Scan(&standby, &replayed)
	switch {
	case err != nil:
		rs.down(m, "does not answer: "+err.Error())
		return
	case !standby || replayed == nil:
		rs.down(m, "is not a standby (not in recovery)")
		return
	}
	lsn, err := ParseLSN(*replayed)
	if err != nil {
		rs.down(m, err.Error())
		return
	}
	m.replayed.Store(uint64(lsn))
	m.lag.Store(int64(rs.lagOf(lsn, now)))
	if !m.up.Swap(true) {
		rs.opt.Logger.Info("replica serving reads", "replica", m.name)
	}
	m.err.Store(nil)
}

func (rs *Replicas) down(m *replica, why string) {
	m.err.Store(&why)
	if m.up.Swap(false) {
		rs.opt.Logger.Warn("replica skipped", "replica", m.name, "reason", why)
	}
}

// lagOf is how long ago the primary's log first passed lsn, as sampled.
func (rs *Replicas) lagOf(lsn LSN, now time.Time) time.Duration {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, s := range rs.samples {
		if s.lsn > lsn {
			return now.Sub(s.at)
		}
	}
	return 0
}

// serving reports whether m may take reads now.
func (rs *Replicas) serving(m *replica) bool {
	return m.up.Load() && time.Duration(m.lag.Load()) <= rs.opt.MaxLag
}

// Reader returns where a read runs: a serving replica that has replayed
// after (0: any serving replica), waiting up to Wait for one to catch up;
// else the primary. Replicas take reads in turn.
func (rs *Replicas) Reader(ctx context.Context, after LSN) *DB {
	if rs == nil || len(rs.members) == 0 {
		return rs.primaryDB()
	}
	n := len(rs.members)
	start := int(rs.next.Add(1))
	var candidate *replica
	for i := range n {
		m := rs.members[(start+i)%n]
		if !rs.serving(m) {
			continue
		}
		if LSN(m.replayed.Load()) >= after {
			return m.db
		}
		if candidate == nil {
			candidate = m
		}
	}
	if candidate == nil {
		return rs.primary
	}
	if rs.waitReplay(ctx, candidate, after) {
		return candidate.db
	}
	return rs.primary
}

func (rs *Replicas) primaryDB() *DB {
	if rs == nil {
		return nil
	}
	return rs.primary
}

// waitReplay asks m, every few milliseconds up to Wait, whether it has
// replayed lsn.
func (rs *Replicas) waitReplay(ctx context.Context, m *replica, lsn LSN) bool {
	ctx, cancel := context.WithTimeout(ctx, rs.opt.Wait)
	defer cancel()
	for {
		var s *string
		if err := m.db.Pool.QueryRow(ctx, `select pg_last_wal_replay_lsn()::text`).Scan(&s); err != nil || s == nil {
			return false
		}
		if got, err := ParseLSN(*s); err == nil && got >= lsn {
			if uint64(got) > m.replayed.Load() {
				m.replayed.Store(uint64(got))
			}
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// Status returns every replica as last measured.
func (rs *Replicas) Status() []ReplicaStatus {
	if rs == nil {
		return nil
	}
	out := make([]ReplicaStatus, 0, len(rs.members))
	for _, m := range rs.members {
		st := ReplicaStatus{Name: m.name, Up: m.up.Load(), Lag: time.Duration(m.lag.Load()), Replayed: LSN(m.replayed.Load()), Serving: rs.serving(m)}
		if e := m.err.Load(); e != nil {
			st.Error = *e
		}
		out = append(out, st)
	}
	return out
}

// ErrNoReplicas is returned by ParseReplicaURLs for a list with nothing in it.
var ErrNoReplicas = errors.New("no replica URL given")

// ParseReplicaURLs splits DATABASE_REPLICA_URLS (comma or space separated)
// and checks each one parses.
func ParseReplicaURLs(s string) ([]string, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })
	if len(fields) == 0 {
		return nil, ErrNoReplicas
	}
	for _, f := range fields {
		if _, err := parseConfig(f); err != nil {
			return nil, fmt.Errorf("replica URL %s: %w", redactURL(f), err)
		}
	}
	return fields, nil
}

type readKey struct{}

// readAt is how a query's reads may be served: from a replica that has
// replayed after.
type readAt struct{ after LSN }

// ReadFromReplica marks ctx as a query's: its reads may be served by a
// replica that has replayed after (0: any serving replica). Reads without
// the mark (writes' own reads, the publisher, the figures worker) use the
// primary.
func ReadFromReplica(ctx context.Context, after LSN) context.Context {
	return context.WithValue(ctx, readKey{}, readAt{after})
}

// UseReplicas makes the store serve marked reads from rs.
func (db *DB) UseReplicas(rs *Replicas) { db.replicas = rs }

// Replicated reports whether queries may be served by replicas.
func (db *DB) Replicated() bool { return db.replicas != nil && len(db.replicas.members) > 0 }

// reader is the pool a read runs on: a replica for a query's reads when
// one is serving and has replayed what the query must see, else the
// primary. The choice is made once per request (the first read), so every
// read of a request sees the same server.
func (db *DB) reader(ctx context.Context) *pgxpool.Pool {
	if db.replicas == nil {
		return db.Pool
	}
	at, ok := ctx.Value(readKey{}).(readAt)
	if !ok {
		return db.Pool
	}
	if c, ok := ctx.Value(chosenKey{}).(*chosen); ok {
		c.once.Do(func() { c.db = db.replicas.Reader(ctx, at.after) })
		return c.db.Pool
	}
	return db.replicas.Reader(ctx, at.after).Pool
}

type chosenKey struct{}

type chosen struct {
	once sync.Once
	db   *DB
}

// PinReader makes every read of ctx go to the server its first read
// chose (a request reads one consistent server, not a mix).
func PinReader(ctx context.Context) context.Context {
	return context.WithValue(ctx, chosenKey{}, &chosen{})
}
