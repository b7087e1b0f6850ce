package graph

import (
	"context"
	"fmt"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/press"
	"github.com/tiendo-vn/tiendo/publish"
)

// Bulletin is one published revision read for the API, in one language.
type Bulletin struct {
	Edition  *db.Edition
	Content  *press.Edition
	Campaign *domain.Campaign
	Lang     Lang
}

func (b *Bulletin) lang() string { return b.Lang.code() }

// Date is the bulletin's day.
func (b *Bulletin) Date() domain.Date { return b.Edition.Day }

// Revision numbers the revisions of a day from 1.
func (b *Bulletin) Revision() int { return b.Edition.Revision }

// PublishedAt is when this revision was published.
func (b *Bulletin) PublishedAt() time.Time { return b.Edition.PublishedAt }

// Sha256 proves the content.
func (b *Bulletin) Sha256() string { return b.Edition.Hash }

// Title is the column's headline.
func (b *Bulletin) Title() string { return b.Content.Text(b.lang()).Title }

// Lead is the first sentence.
func (b *Bulletin) Lead() string { return b.Content.Text(b.lang()).Lead }

// Paragraphs are the rest.
func (b *Bulletin) Paragraphs() []string { return orEmpty(b.Content.Text(b.lang()).Paragraphs) }

// Correction is the notice of a correcting revision.
func (b *Bulletin) Correction() *BulletinCorrection {
	lead, items := b.Content.CorrectionText(b.lang())
	if lead == "" {
		return nil
	}
	return &BulletinCorrection{Lead: lead, Items: items}
}

func (b *Bulletin) path() string {
	return fmt.Sprintf("/bulletins/%s/%s", b.Campaign.Slug, b.Edition.Day)
}

// URL is the permalink of this revision.
func (b *Bulletin) URL() string {
	return fmt.Sprintf("%s?lang=%s&rev=%d", b.path(), b.lang(), b.Edition.Revision)
}

// CsvURL downloads the tables.
func (b *Bulletin) CsvURL() string {
	return fmt.Sprintf("/downloads/%s/%s.csv?rev=%d", b.Campaign.Slug, b.Edition.Day, b.Edition.Revision)
}

// JSONURL downloads the edition.
func (b *Bulletin) JSONURL() string {
	return fmt.Sprintf("/downloads/%s/%s.json?rev=%d", b.Campaign.Slug, b.Edition.Day, b.Edition.Revision)
}

// code is the language's code in press and publish.
func (l Lang) code() string {
	if l == LangEn {
		return "en"
	}
	return "vi"
}

// orEmpty is p, or an empty list for a non-null list field.
func orEmpty(p []string) []string {
	if p == nil {
		return []string{}
	}
	return p
}

func bulletinOf(ed *db.Edition, c *domain.Campaign, lang Lang) (*Bulletin, error) {
	content, err := press.Unmarshal(ed.Content, ed.Hash)
	if err != nil {
		return nil, err
	}
	return &Bulletin{Edition: ed, Content: content, Campaign: c, Lang: lang}, nil
}

func langOr(l *Lang) Lang {
	if l == nil {
		return LangVi
	}
	return *l
}

// bulletinScope resolves a campaign and the scope unit of its bulletins
// (default: the campaign's own scope).
func (r *Resolver) bulletinScope(ctx context.Context, slug string, scopeCode *string, day domain.Date) (*domain.Campaign, *domain.Unit, error) {
	c, err := r.DB.CampaignBySlug(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	if scopeCode == nil {
		u, err := r.DB.UnitByID(ctx, c.ScopeUnitID)
		return c, u, err
	}
	u, err := r.DB.UnitByCode(ctx, *scopeCode, day)
	if err != nil {
		return nil, nil, err
	}
	inside, err := r.DB.IsDescendant(ctx, u.ID, c.ScopeUnitID)
	if err != nil {
		return nil, nil, err
	}
	if !inside {
		return nil, nil, domain.FieldErrorf(domain.EINVALID, "scopeCode", "unit %s is outside the campaign's scope", *scopeCode)
	}
	return c, u, nil
}

// publishBulletin publishes, as p, the bulletin of a campaign's scope (default:
// the campaign's own) for a day, or finds it published already.
func (r *Resolver) publishBulletin(ctx context.Context, p *domain.Principal, campaign string, scopeCode *string, date domain.Date) (*PublishBulletinResult, error) {
	c, scope, err := r.bulletinScope(ctx, campaign, scopeCode, date)
	if err != nil {
		return nil, err
	}
	ed, created, err := r.bulletinService().Publish(ctx, c, scope, date, p.Actor())
	if err != nil {
		return nil, fail(ctx, err)
	}
	b, err := bulletinOf(ed, c, LangVi)
	return &PublishBulletinResult{Bulletin: b, Created: created}, err
}

func (r *Resolver) bulletinService() *publish.Service {
	if r.Bulletins != nil {
		return r.Bulletins
	}
	return &publish.Service{DB: r.DB, Logger: r.Logger, Now: r.Now}
}

// bulletins is a page of the latest editions, of a campaign (and a scope)
// or of all, each with its campaign.
func (r *Resolver) bulletins(ctx context.Context, campaign, scopeCode *string, lang Lang, p page) ([]*Bulletin, int, error) {
	f := db.EditionFilter{Latest: true, Offset: p.Offset, Limit: p.Limit}
	campaigns := map[int64]*domain.Campaign{}
	if campaign != nil {
		c, err := r.DB.CampaignBySlug(ctx, *campaign)
		if err != nil {
			return nil, 0, err
		}
		f.CampaignID, campaigns[c.ID] = &c.ID, c
		if scopeCode != nil {
			u, err := r.DB.UnitByCode(ctx, *scopeCode, max(min(r.todayIn(c), c.End), c.Start))
			if err != nil {
				return nil, 0, err
			}
			f.ScopeID = &u.ID
		}
	} else if scopeCode != nil {
		return nil, 0, domain.FieldErrorf(domain.EINVALID, "scopeCode", "scopeCode needs a campaign")
	}
	eds, total, err := r.DB.Editions(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	items := make([]*Bulletin, len(eds))
	for i, e := range eds {
		c := campaigns[e.CampaignID]
		if c == nil {
			if c, err = r.DB.CampaignByID(ctx, e.CampaignID); err != nil {
				return nil, 0, err
			}
			campaigns[e.CampaignID] = c
		}
		if items[i], err = bulletinOf(e, c, lang); err != nil {
			return nil, 0, err
		}
	}
	return items, total, nil
}

// revisionOf is a revision argument: 0 (the latest) when nil, BAD_INPUT
// below 1.
func revisionOf(revision *int) (int, error) {
	if revision == nil {
		return 0, nil
	}
	if *revision < 1 {
		return 0, domain.Errorf(domain.EINVALID, "revisions are numbered from 1")
	}
	return *revision, nil
}
