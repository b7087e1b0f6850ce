package publish

import (
	"context"
	"fmt"
	"html/template"
	"strings"

	"github.com/tiendo-vn/tiendo/numfmt"
)

// The licence of everything published: the figures, the bulletins and their
// downloads (README.md, the portal's Data page and every page's footer say
// the same).
const (
	Licence    = "CC BY 4.0"
	LicenceURL = "https://creativecommons.org/licenses/by/4.0/"
)

// Trust is what every page and download says about itself besides its
// content: whether it shows demo data and where to report an error.
type Trust struct {
	Demo    bool   // the database holds the demo dataset (db.DB.Demo)
	Contact string // where readers report an error ("" when the operator set none)
}

// Citation is how to cite a published item: its title, its permalink and,
// when known, the day it was retrieved ("" leaves a place for it), then the
// licence. Vietnamese: Tiến Độ, «Bản tin …», https://…, truy cập ngày
// 01/12/2026. Giấy phép CC BY 4.0.
func Citation(lang, title, permalink, retrieved string) string {
	if numfmt.IsEN(lang) {
		if retrieved == "" {
			retrieved = "[the day you retrieved it]"
		}
		return fmt.Sprintf("Tiến Độ, “%s”, %s, retrieved %s. Licence: %s.", title, permalink, retrieved, Licence)
	}
	if retrieved == "" {
		retrieved = "[ngày bạn truy cập]"
	}
	return fmt.Sprintf("Tiến Độ, «%s», %s, truy cập ngày %s. Giấy phép %s.", title, permalink, retrieved, Licence)
}

// trust reads what the pages and downloads say about themselves.
func (s *Service) trust(ctx context.Context) (Trust, error) {
	demo, err := s.DB.Demo(ctx)
	return Trust{Demo: demo, Contact: s.Contact}, err
}

// banner is the demo notice at the top of a page ("" on real data).
func (t Trust) banner(lang string) template.HTML {
	if !t.Demo {
		return ""
	}
	text := "Dữ liệu minh hoạ: số liệu trên trang này là số liệu mẫu để trình diễn, không phải số liệu chính thức."
	if numfmt.IsEN(lang) {
		text = "Demo data: the figures on this page are a sample for demonstration, not official figures."
	}
	return template.HTML(`<p class="demo-banner" role="note" style="background:#fff3cd;border:1px solid #b58100;padding:.4em .8em;font:14px/1.5 system-ui,sans-serif">` +
		template.HTMLEscapeString(text) + `</p>`)
}

// footer is the licence, how to cite the page (title and permalink) and
// the corrections line, as HTML.
func (t Trust) footer(lang, title, permalink string) template.HTML {
	var b strings.Builder
	b.WriteString(`<footer class="trust" style="font:13px/1.5 system-ui,sans-serif;color:#444;border-top:1px solid #ccc;margin-top:2em;padding-top:.5em">`)
	en := numfmt.IsEN(lang)
	lic := `Số liệu công bố theo giấy phép <a rel="license" href="` + LicenceURL + `">` + Licence + `</a>: được dùng lại, kể cả thương mại, khi ghi nguồn.`
	cite, fix := "Trích dẫn: ", "Đính chính: mỗi số liệu sửa đổi được công bố kèm lý do, bản cũ vẫn xem được."
	report := "Báo sai sót: "
	if en {
		lic = `Figures published under <a rel="license" href="` + LicenceURL + `">` + Licence + `</a>: reuse them, commercially too, with attribution.`
		cite, fix = "Cite as: ", "Corrections: every revised figure is published with its reason; the earlier one stays readable."
		report = "Report an error: "
	}
	b.WriteString("<p>" + lic + "</p><p>" + cite + template.HTMLEscapeString(Citation(lang, title, permalink, "")) + "</p><p>" + fix)
	if t.Contact != "" {
		b.WriteString(" " + report + template.HTMLEscapeString(t.Contact))
	}
	b.WriteString("</p></footer>")
	return template.HTML(b.String())
}
