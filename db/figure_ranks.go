package db

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

// The ranks of a campaign's figures are stored apart from them, 128 units
// to a row (figure_ranks, migration 029): a report changes a few figures
// but the rank of every unit it passes, and a refresh rewrites the day's
// few hundred rank rows instead of the ranks' tens of thousands of figures.

// rankBlockBits is how many low bits of a unit's id index it in its row.
const rankBlockBits = 7

// rankKey is one row of figure_ranks of a campaign.
type rankKey struct {
	metric int16
	day    domain.Date
	block  int64
}

// rankBlock is a row's arrays, up to the last unit it ranks.
type rankBlock struct {
	ranks, changes []pgtype.Int4
}

// dayRanks are the rows of one metric and day, by block.
type dayRanks map[int64]rankBlock

// set gives p the unit's rank and rank change, their values in n.
func (d dayRanks) set(p *domain.Point, n *pointNulls) {
	b, i := d[p.UnitID>>rankBlockBits], int(p.UnitID&(1<<rankBlockBits-1))
	if i < len(b.ranks) {
		p.Rank = int4At(b.ranks[i], &n.rank)
	}
	if i < len(b.changes) {
		p.RankChange = int4At(b.changes[i], &n.rankChange)
	}
}

// rankBlocks collects the ranks a refresh computes, by row.
type rankBlocks map[rankKey]*rankBlock

// note records the ranks of the figures of one metric and day.
func (rb rankBlocks) note(metric int16, day []engine.Figure) {
	var last *rankBlock
	lastKey := rankKey{block: -1}
	for i := range day {
		f := &day[i]
		if f.Rank <= 0 && f.RankChange == nil {
			continue
		}
		k := rankKey{metric, f.Day, f.UnitID >> rankBlockBits}
		if k != lastKey {
			last = rb[k]
			if last == nil {
				last = &rankBlock{}
				rb[k] = last
			}
			lastKey = k
		}
		j := int(f.UnitID & (1<<rankBlockBits - 1))
		for len(last.ranks) <= j {
			last.ranks = append(last.ranks, pgtype.Int4{})
			last.changes = append(last.changes, pgtype.Int4{})
		}
		if f.Rank > 0 {
			last.ranks[j] = pgtype.Int4{Int32: int32(f.Rank), Valid: true}
		}
		if f.RankChange != nil {
			last.changes[j] = pgtype.Int4{Int32: int32(*f.RankChange), Valid: true}
		}
	}
}

// writeRanks replaces the campaign's rank rows of the metrics ids for the
// days from..to with rb.
func writeRanks(ctx context.Context, tx pgx.Tx, campaignID int64, ids []int16, from, to time.Time, rb rankBlocks) error {
	if _, err := tx.Exec(ctx, `DELETE FROM figure_ranks WHERE campaign_id = $1 AND metric_id = ANY($2) AND day BETWEEN $3 AND $4`,
		campaignID, ids, from, to); err != nil {
		return err
	}
	if len(rb) == 0 {
		return nil
	}
	keys := make([]rankKey, 0, len(rb))
	for k := range rb {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b rankKey) int {
		return cmp.Or(cmp.Compare(a.metric, b.metric), cmp.Compare(a.day, b.day), cmp.Compare(a.block, b.block))
	})
	rows := make([][]any, len(keys))
	for i, k := range keys {
		b := rb[k]
		rows[i] = []any{campaignID, k.metric, pgDate(k.day), k.block, b.ranks, b.changes}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"figure_ranks"}, []string{"campaign_id", "metric_id", "day", "block", "ranks", "rank_changes"}, pgx.CopyFromRows(rows))
	return err
}
