package publish

import (
	"html/template"
	"strings"
)

// navCSS styles portalNav on the bulletin pages and the main landmark around
// their content; a wide table scrolls inside its box instead of the page.
const navCSS = `.portal-nav{display:flex;flex-wrap:wrap;gap:.2em 1em;font:15px/1.5 system-ui,sans-serif;border-bottom:1px solid #ccc;padding:.3em 0;margin-bottom:1em}` +
	`.portal-nav [aria-current]{font-weight:bold}.scroll{overflow-x:auto;max-width:100%}@media print{.portal-nav{display:none}}`

// portalNav is the portal's main navigation (the same links as its pages'
// header, "Bản tin" current), so that the bulletin archive and columns are
// inside the portal rather than beside it.
func portalNav(lang string, u urls) template.HTML {
	q := ""
	if lang == "en" {
		q = "?lang=en"
	}
	type link struct{ href, vi, en string }
	links := []link{
		{u.home(lang), "Trang chủ", "Home"},
		{u.base + "rankings.html" + q, "Xếp hạng", "Rankings"},
		{u.archiveAll(lang), "Bản tin", "Bulletins"},
		{u.base + "campaigns.html" + q, "Chiến dịch", "Campaigns"},
		{u.base + "data.html" + q, "Dữ liệu & API", "Data & API"},
		{u.base + "method.html" + q, "Phương pháp", "Method"},
	}
	var b strings.Builder
	label := map[string]string{"vi": "Liên kết chính", "en": "Main links"}[lang]
	b.WriteString(`<header><nav class="portal-nav" aria-label="` + label + `"><a href="` + template.HTMLEscapeString(u.home(lang)) + `"><strong>Tiến Độ</strong></a>`)
	for i, l := range links[1:] {
		text := l.vi
		if lang == "en" {
			text = l.en
		}
		cur := ""
		if i == 1 {
			cur = ` aria-current="page"`
		}
		b.WriteString(`<a href="` + template.HTMLEscapeString(l.href) + `"` + cur + `>` + template.HTMLEscapeString(text) + `</a>`)
	}
	b.WriteString(`</nav></header>`)
	return template.HTML(b.String())
}
