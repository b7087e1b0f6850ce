package publish

import (
	"fmt"
	"net/url"
)

// urls names the bulletin pages, downloads and feeds. The server answers
// query parameters (?lang=en, ?rev=N); a static host answers files only, so
// the static export names every page by a path of its own.
type urls struct {
	home       func(lang string) string
	archiveAll func(lang string) string
	archive    func(slug, lang string) string
	// column: rev 0 is the latest revision.
	column   func(slug, date, lang string, rev int) string
	download func(slug, date, ext string, rev int) string
	// feed: page 0 is the current feed, page N ≥ 1 its Nth archive page.
	feed func(name, lang string, page int) string
	// site is the absolute origin the paths above are under
	// ("https://tiendo.example.org"), for the permalinks of citations.
	site string
	base string // the path the pages are under, "/" on the server
}

// permalink is the absolute URL of revision rev's download by its file name
// (…/{date}.r{N}.json), which the server and a static copy both answer.
func (u urls) permalink(slug, date, ext string, rev int) string {
	return u.site + staticURLs(u.base).download(slug, date, ext, rev)
}

// live is liveURLs with the server's public origin (SiteURL, never a
// request's Host header) for permalinks.
func (s *Service) live() urls {
	u := liveURLs
	u.site = s.siteURL()
	return u
}

func query(lang string, rev int) string {
	q := url.Values{}
	if lang == "en" {
		q.Set("lang", "en")
	}
	if rev > 0 {
		q.Set("rev", fmt.Sprint(rev))
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// liveURLs are the server's.
var liveURLs = urls{
	home:       func(lang string) string { return "/" + query(lang, 0) },
	archiveAll: func(lang string) string { return "/bulletins/" + query(lang, 0) },
	archive:    func(slug, lang string) string { return "/bulletins/" + url.PathEscape(slug) + "/" + query(lang, 0) },
	column: func(slug, date, lang string, rev int) string {
		return "/bulletins/" + url.PathEscape(slug) + "/" + date + query(lang, rev)
	},
	download: func(slug, date, ext string, rev int) string {
		return "/downloads/" + url.PathEscape(slug) + "/" + date + "." + ext + query("", rev)
	},
	feed: feedURL("/"),
	base: "/",
}

// staticURLs are the files of a static export under base (a path ending in
// "/", e.g. "/" or "/tiendo/"):
//
//	bulletins/index.html, bulletins/index.en.html
//	bulletins/{campaign}/index.html, index.en.html
//	bulletins/{campaign}/{date}/index.html, index.en.html   the latest revision
//	bulletins/{campaign}/{date}/r{N}.html, r{N}.en.html     revision N
//	downloads/{campaign}/{date}.csv|json                    the latest revision
//	downloads/{campaign}/{date}.r{N}.csv|json               revision N
//	feeds/bulletins.atom, feeds/{campaign}.atom             the current feeds (.en.atom: English)
//	feeds/{name}/archive/{N}.atom, {N}.en.atom              their archive pages
func staticURLs(base string) urls {
	page := func(dir, lang string, rev int) string {
		name := "index"
		if rev > 0 {
			name = fmt.Sprintf("r%d", rev)
		}
		if lang == "en" {
			return dir + name + ".en.html"
		}
		if rev == 0 {
			return dir
		}
		return dir + name + ".html"
	}
	return urls{
		home: func(lang string) string {
			if lang == "en" {
				return base + "?lang=en"
			}
			return base
		},
		archiveAll: func(lang string) string { return page(base+"bulletins/", lang, 0) },
		archive:    func(slug, lang string) string { return page(base+"bulletins/"+url.PathEscape(slug)+"/", lang, 0) },
		column: func(slug, date, lang string, rev int) string {
			return page(base+"bulletins/"+url.PathEscape(slug)+"/"+date+"/", lang, rev)
		},
		download: func(slug, date, ext string, rev int) string {
			if rev > 0 {
				return fmt.Sprintf("%sdownloads/%s/%s.r%d.%s", base, url.PathEscape(slug), date, rev, ext)
			}
			return base + "downloads/" + url.PathEscape(slug) + "/" + date + "." + ext
		},
		feed: feedURL(base),
		base: base,
	}
}

// feedURL names the feeds under base, the same on the server and a static
// host: {name}.atom is the current feed, {name}/archive/{N}.atom its
// archive pages; .en.atom in English.
func feedURL(base string) func(name, lang string, page int) string {
	return func(name, lang string, page int) string {
		ext := ".atom"
		if lang == "en" {
			ext = ".en.atom"
		}
		if page > 0 {
			return fmt.Sprintf("%sfeeds/%s/archive/%d%s", base, url.PathEscape(name), page, ext)
		}
		return base + "feeds/" + url.PathEscape(name) + ext
	}
}
