package graph

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tiendo-vn/tiendo/domain"
)

// scopeName is a campaign's scope as a reader reads it on a map: on today's
// map, a scope that no longer exists says what it became.
func (r *Resolver) scopeName(ctx context.Context, conn *RankingConnection, lang *Lang) (string, error) {
	own := conn.CampaignScope
	en := lang != nil && *lang == LangEn
	name := func(u *domain.Unit) string {
		if en {
			if u.Kind == domain.KindProvince {
				return u.NameEN + " Province"
			}
			return u.NameEN
		}
		return lowerKind(u.FullName)
	}
	if conn.Map != ReformMapCurrent || own.ValidOn(r.currentDay()) {
		if en {
			return name(own), nil
		}
		return own.FullName, nil
	}
	ls, err := r.loaders(ctx).Successors.Load(ctx, own.ID)
	if err != nil {
		return "", err
	}
	names := make([]string, 0, len(ls))
	for _, l := range ls {
		u, err := r.unitByID(ctx, l.NewID)
		if err != nil {
			return "", err
		}
		names = append(names, name(u))
	}
	if en {
		return name(own) + " (former), now part of " + strings.Join(names, ", "), nil
	}
	return name(own) + " (cũ), nay thuộc " + strings.Join(names, ", "), nil
}

// lowerKind writes a full name's kind word in lower case, as inside a
// sentence: Tỉnh Bến Tre → tỉnh Bến Tre.
func lowerKind(full string) string {
	for _, k := range []string{"Tỉnh", "Thành phố", "Huyện", "Quận", "Thị xã", "Thị trấn", "Xã", "Phường", "Đặc khu"} {
		if strings.HasPrefix(full, k+" ") {
			r, n := utf8.DecodeRuneInString(full)
			return string(unicode.ToLower(r)) + full[n:]
		}
	}
	return full
}

// partialText names the predecessors that prevent a sum (nil when none).
func (r *Resolver) partialText(ctx context.Context, partial []domain.Link, lang *Lang) (*string, error) {
	if len(partial) == 0 {
		return nil, nil
	}
	names := make([]string, len(partial))
	for i, l := range partial {
		u, err := r.unitByID(ctx, l.OldID)
		if err != nil {
			return nil, err
		}
		names[i] = u.FullName
		if lang != nil && *lang == LangEn {
			names[i] = u.NameEN
		}
	}
	s := strings.Join(names, ", ")
	return &s, nil
}
