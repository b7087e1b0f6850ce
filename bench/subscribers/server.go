package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
)

// api sends GraphQL requests with an admin token, from the default
// address (not one the subscribers use).
type api struct {
	origin, token string
	http          *http.Client
}

// do runs one GraphQL request and decodes its data into out.
func (a *api) do(query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, a.origin+"/graphql", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := a.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var res struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return fmt.Errorf("status %d: %w", resp.StatusCode, err)
	}
	if len(res.Errors) > 0 {
		return fmt.Errorf("%s", res.Errors[0].Message)
	}
	return json.Unmarshal(res.Data, out)
}

// target is the figure the writes correct.
type target struct {
	campaign, unit, metric, date string
	figure                       int64
	writes                       int
}

// pick reads the first commune of the campaign's ranking of metric on date
// and its figure.
func (a *api) pick(campaign, metric, date string) (*target, error) {
	var out struct {
		Ranking struct {
			Date  string
			Edges []struct {
				Node struct {
					Figure *int64
					Unit   struct{ Code string }
				}
			}
		}
	}
	vars := map[string]any{"c": campaign, "m": metric, "d": date}
	if date == "" {
		vars["d"] = nil
	}
	err := a.do(`query($c: String!, $m: String!, $d: Date) {
		ranking(campaign: $c, metric: $m, date: $d, level: COMMUNE, first: 1) { date edges { node { figure unit { code } } } } }`, vars, &out)
	if err != nil {
		return nil, fmt.Errorf("reading the ranking of %s: %w", campaign, err)
	}
	if len(out.Ranking.Edges) == 0 || out.Ranking.Edges[0].Node.Figure == nil {
		return nil, fmt.Errorf("campaign %s has no commune with a %s figure on %s", campaign, metric, out.Ranking.Date)
	}
	n := out.Ranking.Edges[0].Node
	return &target{campaign: campaign, unit: n.Unit.Code, metric: metric, date: out.Ranking.Date, figure: *n.Figure}, nil
}

// correct writes the target's figure plus 1, then the figure itself, and
// so on (each write differs from the one before, so each is WRITTEN and
// refreshes the figures). It returns when the mutation is acknowledged.
func (a *api) correct(t *target) error {
	value := t.figure + int64(1-t.writes%2)
	t.writes++
	var out struct {
		CorrectReport struct {
			Written int
			Items   []struct{ Status string }
		}
	}
	err := a.do(`mutation($in: CorrectReportInput!) { correctReport(input: $in) { written items { status } } }`,
		map[string]any{"in": map[string]any{"campaign": t.campaign, "unitCode": t.unit, "metric": t.metric, "date": t.date,
			"value": value, "reason": fmt.Sprintf("bench/subscribers write %d", t.writes), "confirmAboveQuota": true}}, &out)
	if err != nil {
		return err
	}
	if out.CorrectReport.Written != 1 {
		return fmt.Errorf("correctReport wrote nothing: %+v", out.CorrectReport.Items)
	}
	return nil
}

// memory reads the server's resident memory: from /proc when its pid is
// known (VmRSS now, VmHWM the peak), else from /metrics
// (process_resident_memory_bytes; the peak is then the largest sample).
type memory struct {
	pid     int
	api     *api
	sampled float64 // MiB, the largest sample
	reset   bool    // the peak was reset when the connections opened
}

// resetPeak sets the kernel's peak RSS (VmHWM) back to the current RSS, so
// that the peak reported is the benchmark's, not the server's start
// (Linux ≥ 4.0; the server's owner or root).
func (m *memory) resetPeak() error {
	if m.pid == 0 {
		return nil
	}
	err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", m.pid), []byte("5"), 0)
	m.reset = err == nil
	return err
}

// sample returns the server's RSS now, in MiB.
func (m *memory) sample() (float64, error) {
	var mb float64
	var err error
	if m.pid != 0 {
		mb, err = procStatus(m.pid, "VmRSS")
	} else {
		mb, err = m.fromMetrics()
	}
	if err == nil {
		m.sampled = max(m.sampled, mb)
	}
	return mb, err
}

// peak returns the peak RSS in MiB and what it covers.
func (m *memory) peak() (float64, string, error) {
	if m.pid == 0 {
		return m.sampled, "largest sample of /metrics process_resident_memory_bytes", nil
	}
	mb, err := procStatus(m.pid, "VmHWM")
	if m.reset {
		return mb, "VmHWM since the connections opened", err
	}
	return mb, "VmHWM since the server started (reset refused)", err
}

// procStatus reads a "kB" field of /proc/PID/status, in MiB.
func procStatus(pid int, field string) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

func (m *memory) fromMetrics() (float64, error) {
	resp, err := m.api.http.Get(m.api.origin + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(io.LimitReader(resp.Body, 16<<20))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "process_resident_memory_bytes "); ok {
			b, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			return b / (1 << 20), err
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no process_resident_memory_bytes in /metrics")
}

// mib formats mebibytes, or "?" when unknown.
func mib(v float64, err error) string {
	if err != nil {
		return "?"
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}
