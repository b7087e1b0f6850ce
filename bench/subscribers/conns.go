package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// stamp is one figures event as a subscriber received it.
type stamp struct {
	at      time.Time
	version string
}

// subscriber is one live connection and what it hears. Its reader stamps
// each event as it arrives; the measuring loop takes them from events.
type subscriber struct {
	kind    string     // "sse" or "ws"
	events  chan stamp // closed when the connection ends
	dropped atomic.Int64
	err     error // why the connection ended (set before events is closed)
}

func newSubscriber(kind string) *subscriber {
	return &subscriber{kind: kind, events: make(chan stamp, 64)}
}

// receive stamps an event now; it never blocks the reader (a full buffer
// counts the event as dropped, which the report shows).
func (s *subscriber) receive(version string) {
	select {
	case s.events <- stamp{time.Now(), version}:
	default:
		s.dropped.Add(1)
	}
}

func (s *subscriber) end(err error) {
	s.err = err
	close(s.events)
}

// firstLoopback is 127.0.0.2: 127.0.0.1 is left to the writer.
const firstLoopback = 2

// sourceClients returns the HTTP clients the connections dial with:
// connection i uses clients[i/perAddr]. spread: each client dials from its
// own loopback address (127.0.0.2, 127.0.0.3, …; Linux routes all of 127/8
// to lo), so no address holds more than perAddr connections; otherwise one
// client from the default address.
func sourceClients(n, perAddr int, spread bool) ([]*http.Client, error) {
	if !spread {
		return []*http.Client{{Transport: transport(nil)}}, nil
	}
	count := (n + perAddr - 1) / perAddr
	if firstLoopback+count-1 > 254 {
		return nil, fmt.Errorf("%d connections at %d per address need %d loopback addresses; 253 at most (raise -per-address and the server's LIVE_PER_ADDRESS)", n, perAddr, count)
	}
	clients := make([]*http.Client, count)
	for j := range clients {
		ip := net.IPv4(127, 0, 0, byte(firstLoopback+j))
		clients[j] = &http.Client{Transport: transport(&net.TCPAddr{IP: ip})}
	}
	return clients, nil
}

func transport(local *net.TCPAddr) *http.Transport {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if local != nil {
		d.LocalAddr = local
	}
	return &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4}
}

// openSSE opens GET /events?campaign=… and reads its events until ctx
// ends. The server adds the subscriber before it answers, so a 200 means
// subscribed.
func openSSE(ctx context.Context, hc *http.Client, origin, campaign string) (*subscriber, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, origin+"/events?campaign="+url.QueryEscape(campaign), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/event-stream")
	res, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		res.Body.Close()
		return nil, fmt.Errorf("/events: %s: %s", res.Status, firstErrorMessage(body))
	}
	s := newSubscriber("sse")
	go func() {
		defer res.Body.Close()
		s.end(readSSE(res.Body, s))
	}()
	return s, nil
}

// readSSE stamps each "figures" event (other events, comments and
// heartbeats are skipped) when its blank line arrives.
func readSSE(r io.Reader, s *subscriber) error {
	br := bufio.NewReader(r)
	var event, data string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return err
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == "":
			if event == "figures" {
				var d struct {
					Version string `json:"version"`
				}
				json.Unmarshal([]byte(data), &d)
				s.receive(d.Version)
			}
			event, data = "", ""
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			data += strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " ")
		}
	}
}

// wsMsg is a message of the graphql-transport-ws protocol.
type wsMsg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

const wsQuery = `subscription($c: String!, $s: String) { figuresUpdated(campaign: $c, scopeCode: $s) { version } }`

// openWS opens a graphql-ws connection (graphql-transport-ws) to /graphql
// and subscribes to figuresUpdated. The protocol acknowledges the
// connection, not the subscription: a refusal arrives later as an error
// message (which ends the subscriber), and the warm-up writes show who is
// subscribed.
func openWS(ctx context.Context, hc *http.Client, origin, campaign, scope string) (*subscriber, error) {
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(origin, "http")+"/graphql",
		&websocket.DialOptions{HTTPClient: hc, Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*subscriber, error) {
		c.CloseNow()
		return nil, err
	}
	if err := wsjson.Write(ctx, c, wsMsg{Type: "connection_init"}); err != nil {
		return fail(err)
	}
	var m wsMsg
	if err := wsjson.Read(ctx, c, &m); err != nil {
		return fail(err)
	}
	if m.Type != "connection_ack" {
		return fail(fmt.Errorf("graphql-ws: %s instead of connection_ack: %s", m.Type, m.Payload))
	}
	vars := map[string]any{"c": campaign}
	if scope != "" {
		vars["s"] = scope
	}
	payload, _ := json.Marshal(map[string]any{"query": wsQuery, "variables": vars})
	if err := wsjson.Write(ctx, c, wsMsg{ID: "1", Type: "subscribe", Payload: payload}); err != nil {
		return fail(err)
	}
	s := newSubscriber("ws")
	go func() {
		defer c.CloseNow()
		s.end(readWS(ctx, c, s))
	}()
	return s, nil
}

// readWS stamps each "next" message when it arrives, answers pings, and
// ends at an error or complete message.
func readWS(ctx context.Context, c *websocket.Conn, s *subscriber) error {
	for {
		var m wsMsg
		if err := wsjson.Read(ctx, c, &m); err != nil {
			return err
		}
		switch m.Type {
		case "next":
			var p struct {
				Data struct {
					FiguresUpdated struct{ Version string }
				}
			}
			json.Unmarshal(m.Payload, &p)
			s.receive(p.Data.FiguresUpdated.Version)
		case "ping":
			if err := wsjson.Write(ctx, c, wsMsg{Type: "pong"}); err != nil {
				return err
			}
		case "error":
			return fmt.Errorf("subscription refused: %s", firstErrorMessage(m.Payload))
		case "complete":
			return errors.New("subscription completed by the server")
		}
	}
}

// firstErrorMessage returns the first GraphQL error's message in body (a
// list of errors or {"errors": [...]}), or the body itself.
func firstErrorMessage(body []byte) string {
	var list []struct{ Message string }
	if json.Unmarshal(body, &list) == nil && len(list) > 0 {
		return list[0].Message
	}
	var obj struct{ Errors []struct{ Message string } }
	if json.Unmarshal(body, &obj) == nil && len(obj.Errors) > 0 {
		return obj.Errors[0].Message
	}
	return strings.TrimSpace(string(body))
}
