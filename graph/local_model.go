package graph

import (
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/press"
	"github.com/tiendo-vn/tiendo/publish"
)

// LocalBulletin is a local column read for the API, in one language.
type LocalBulletin struct {
	Campaign *domain.Campaign
	Scope    *domain.Unit
	Date     domain.Date
	Lang     Lang
	Content  *press.Edition
}

func (b *LocalBulletin) lang() string { return b.Lang.code() }

// Notice says the column is not an official edition.
func (b *LocalBulletin) Notice() string { return publish.LocalNotice[b.lang()] }

// Title is the column's headline.
func (b *LocalBulletin) Title() string { return b.Content.Text(b.lang()).Title }

// Lead is the first sentence.
func (b *LocalBulletin) Lead() string { return b.Content.Text(b.lang()).Lead }

// Paragraphs are the rest.
func (b *LocalBulletin) Paragraphs() []string { return orEmpty(b.Content.Text(b.lang()).Paragraphs) }

// URL is the column's permalink.
func (b *LocalBulletin) URL() string {
	return publish.LocalPath(b.Campaign.Slug, b.Date, b.Scope.Code, b.lang())
}
