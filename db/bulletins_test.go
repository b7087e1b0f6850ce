package db_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"testing"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
)

func content(text string) func(*db.Edition) (*db.EditionContent, error) {
	return func(*db.Edition) (*db.EditionContent, error) {
		b := []byte(`{"lead":"` + text + `"}`)
		h := sha256.Sum256(b)
		return &db.EditionContent{Content: b, Hash: hex.EncodeToString(h[:])}, nil
	}
}

// TestPublishEditionOnceAndImmutable: many publishers at once publish one
// revision; the same content again publishes nothing; other content
// publishes the next revision; a published revision cannot be changed.
func TestPublishEditionOnceAndImmutable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := dbtest.New(t)
	c := dbtest.MustLoadExample(t, store)
	day := domain.MustDate("2023-12-10")

	var wg sync.WaitGroup
	var mu sync.Mutex
	created := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, ok, err := store.PublishEdition(ctx, c.ID, c.ScopeUnitID, day, "test", content("Tính đến ngày 10/12/2023"))
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			if ok {
				created++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if created != 1 {
		t.Fatalf("8 concurrent publishers created %d revisions, want 1", created)
	}
	if _, ok, err := store.PublishEdition(ctx, c.ID, c.ScopeUnitID, day, "test", content("Tính đến ngày 10/12/2023")); err != nil || ok {
		t.Fatalf("the same content published again (created %v, %v)", ok, err)
	}
	nothing := func(*db.Edition) (*db.EditionContent, error) { return nil, nil }
	if ed, ok, err := store.PublishEdition(ctx, c.ID, c.ScopeUnitID, day, "test", nothing); err != nil || ok || ed.Revision != 1 {
		t.Fatalf("nothing to publish published a revision (created %v, %v)", ok, err)
	}
	ed, ok, err := store.PublishEdition(ctx, c.ID, c.ScopeUnitID, day, "test", content("Đính chính"))
	if err != nil || !ok || ed.Revision != 2 {
		t.Fatalf("a changed edition: revision %v, created %v, %v", ed, ok, err)
	}
	revs, err := store.EditionRevisions(ctx, c.ID, c.ScopeUnitID, day)
	if err != nil || len(revs) != 2 || revs[0].Hash == revs[1].Hash {
		t.Fatalf("revisions %v (%v)", revs, err)
	}
	if _, err := store.Pool.Exec(ctx, `UPDATE bulletins SET content = '{}'`); err == nil {
		t.Error("a published bulletin was changed")
	}
	if _, err := store.Pool.Exec(ctx, `DELETE FROM bulletins`); err == nil {
		t.Error("a published bulletin was deleted")
	}
	first, err := store.EditionAt(ctx, c.ID, c.ScopeUnitID, day, 1)
	if err != nil || first == nil || string(first.Content) != `{"lead": "Tính đến ngày 10/12/2023"}` {
		t.Errorf("revision 1 reads %v (%v)", first, err)
	}
	list, total, err := store.Editions(ctx, db.EditionFilter{CampaignID: &c.ID, Latest: true, Limit: 10})
	if err != nil || total != 1 || len(list) != 1 || list[0].Revision != 2 {
		t.Errorf("latest editions: %d of %d (%v)", len(list), total, err)
	}
}
