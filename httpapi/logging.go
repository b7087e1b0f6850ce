package httpapi

import (
	"context"
	"log/slog"

	"github.com/tiendo-vn/tiendo/graph"
)

// LogRequestIDs wraps a log handler so that every line logged with a
// request's context (logger.InfoContext(ctx, …) and the like) carries the
// request's id as request_id, unless the line names one already: a
// client's report (the id is in X-Request-Id and in errors) finds every
// line of its request.
func LogRequestIDs(h slog.Handler) slog.Handler { return requestIDHandler{h} }

type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := graph.RequestID(ctx); id != "" {
		named := false
		r.Attrs(func(a slog.Attr) bool {
			named = a.Key == "request_id"
			return !named
		})
		if !named {
			r = r.Clone()
			r.AddAttrs(slog.String("request_id", id))
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}
