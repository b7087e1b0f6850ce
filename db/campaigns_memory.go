package db

import (
	"sync"

	"github.com/tiendo-vn/tiendo/domain"
)

// campaignsMemory keeps the campaigns public reads ask for (CampaignFigures),
// decoded, each with the campaigns_state.version (migration 031) it was read
// at. A read asks PostgreSQL for the version with the campaign's figures
// state, in one small query, and reads the campaign whole only when the
// version it remembers is another.
//
// The campaigns are shared by the reads that get them: CampaignFigures
// hands out a copy of the struct, and nothing changes the slices in it.
type campaignsMemory struct {
	mu     sync.Mutex
	bySlug map[string]rememberedCampaign
}

type rememberedCampaign struct {
	version int64
	c       *domain.Campaign
}

// maxCampaigns bounds the campaigns kept (a few KB each).
const maxCampaigns = 256

// get returns the campaign slug names, with id, as of version; nil if it
// is not remembered as of that version.
func (m *campaignsMemory) get(slug string, id, version int64) *domain.Campaign {
	m.mu.Lock()
	r, ok := m.bySlug[slug]
	m.mu.Unlock()
	if !ok || r.version != version || r.c.ID != id {
		return nil
	}
	c := *r.c
	return &c
}

// put remembers c as read at version, unless a newer version of it is
// remembered (a replica behind the primary reads older versions).
func (m *campaignsMemory) put(c *domain.Campaign, version int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.bySlug == nil || len(m.bySlug) >= maxCampaigns {
		m.bySlug = map[string]rememberedCampaign{}
	}
	if old, ok := m.bySlug[c.Slug]; ok && old.version > version {
		return
	}
	kept := *c
	m.bySlug[c.Slug] = rememberedCampaign{version, &kept}
}
