package graph

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/live"
)

// subscribe finds a campaign and adds a live subscriber to it, counted
// against the client's address.
func (r *Resolver) subscribe(ctx context.Context, slug string) (int64, *live.Sub, error) {
	if r.Live == nil {
		return 0, nil, domain.Errorf(domain.EUNAVAILABLE, "live updates are not enabled on this server")
	}
	c, err := r.DB.CampaignBySlug(ctx, slug)
	if err != nil {
		return 0, nil, err
	}
	sub, err := r.Live.Subscribe(c.ID, live.ClientFrom(ctx))
	if err != nil {
		return 0, nil, err
	}
	return c.ID, sub, nil
}

// forward turns a subscriber's events into a subscription's channel: conv
// says what to send for an event, and whether to send anything. It ends
// when the client leaves (ctx) or the subscriber is closed.
func forward[T any](ctx context.Context, sub *live.Sub, conv func(live.Event) (T, bool)) <-chan T {
	out := make(chan T, 1)
	go func() {
		defer close(out)
		defer sub.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case e, ok := <-sub.Events():
				if !ok {
					return
				}
				v, send := conv(e)
				if !send {
					continue
				}
				select {
				case out <- v:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

// NewLiveHandler serves the subscriptions over WebSocket (graphql-ws's
// graphql-transport-ws protocol, and the older graphql-ws one): a handler of
// its own, because a long-lived upgraded connection passes none of the
// request middleware (timeouts, the response cache, compression). The
// documents are held to the same limits as queries. Subscriptions read
// public data only: any origin may open one, and no token is asked.
func NewLiveHandler(r *Resolver, lim Limits) http.Handler {
	es := NewExecutableSchema(Config{Resolvers: r})
	srv := handler.New(es)
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 15 * time.Second,
		Implementation: transport.CoderWebsocketImplementation{
			AcceptOptions: websocket.AcceptOptions{OriginPatterns: []string{"*"}},
		},
	})
	srv.SetParserTokenLimit(DefaultDocLimits.Tokens)
	srv.Use(docLimits{DocLimits: DefaultDocLimits, cache: lru.New[*ast.QueryDocument](100)})
	srv.Use(queryLimits{model: newCostModel(es.Schema()), maxCost: cmp.Or(lim.Complexity, 5000), maxDepth: cmp.Or(lim.Depth, 12)})
	srv.Use(subscriptionsOnly{})
	logger := cmp.Or(r.Logger, slog.Default())
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return presentError(ctx, logger, r.Health, err)
	})
	return srv
}

// IsWebSocket reports whether r asks to upgrade to a WebSocket.
func IsWebSocket(r *http.Request) bool {
	v := r.Header["Upgrade"] // (canonical: r.Header.Get without canonicalizing, on every request)
	return len(v) > 0 && strings.EqualFold(v[0], "websocket")
}

// subscriptionsOnly refuses queries and mutations on the WebSocket: they go
// over HTTP, where the request deadline, the rate limits and the response
// cache apply (over a connection that lives as long as its subscriber, a
// query had none of them).
type subscriptionsOnly struct{}

func (subscriptionsOnly) ExtensionName() string                   { return "SubscriptionsOnly" }
func (subscriptionsOnly) Validate(graphql.ExecutableSchema) error { return nil }

func (subscriptionsOnly) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
		return nil
	}
	err := gqlerror.Errorf("this WebSocket carries subscriptions: send a %s over HTTP (POST /graphql, or GET for a query)", oc.Operation.Operation)
	err.Extensions = map[string]any{"code": domain.EINVALID}
	return err
}
