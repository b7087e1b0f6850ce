package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tiendo-vn/tiendo/readset"
)

// versionedRoots are the root fields whose answers depend only on the
// figures of the campaigns they name (each read through
// db.CampaignFigures, which notes its version) and on the descriptions of
// campaigns and units (the base counter): the response cache proves them
// current by versions. Any other root field makes an answer depend on the
// database's snapshot.
//
// progress reads its campaign through app.CampaignUnitMetric, its days from
// the figures alone (the revision counts are stored with them), units and
// unit links; ProgressPoint.revisions lists the report's revisions up to
// the stored count, which never change (report_revisions is append-only).
var versionedRoots = map[string]bool{"ranking": true, "progress": true, "__typename": true}

// trackedRoots marks operations that select another root field (or are
// not queries) as untracked.
type trackedRoots struct{}

var (
	_ graphql.HandlerExtension     = trackedRoots{}
	_ graphql.OperationInterceptor = trackedRoots{}
)

func (trackedRoots) ExtensionName() string                   { return "TrackedRoots" }
func (trackedRoots) Validate(graphql.ExecutableSchema) error { return nil }

func (trackedRoots) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Query {
		readset.Untracked(ctx)
		return next(ctx)
	}
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Query"}) {
		if !versionedRoots[f.Name] {
			readset.Untracked(ctx)
			break
		}
	}
	return next(ctx)
}
