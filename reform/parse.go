package reform

import (
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// A mention is one old unit named in the text of what a new unit was
// formed from.
type mention struct {
	Prefix    string // "phường", "xã", "thị trấn", "đặc khu", "huyện", … ("" when the text gives none)
	Name      string // as written, without its kind word
	Qualifier string // the district named in brackets after it, e.g. "Quận 10"
	Part      bool   // the text says only part of it ("một phần", "phần còn lại")
	Level     Level  // commune or district (a district that became a commune whole, e.g. Huyện Cồn Cỏ)
	NotUnit   bool   // a village, an area or a firing range: not in the official lists
	Text      string // the piece of the text it came from
}

// Level is the level of an old unit a mention names.
type Level int

const (
	LevelCommune Level = iota
	LevelDistrict
)

var (
	reBracket   = regexp.MustCompile(`\(([^()]*)\)`)
	rePart      = regexp.MustCompile(`(?i)một phần|phần còn la[iị]`)
	reWhole     = regexp.MustCompile(`(?i)toàn b[ộố]`)
	reAfter     = regexp.MustCompile(`(?i)\s*sau khi (sắp xếp|sáp nhập).*$`)
	reLeadNoise = regexp.MustCompile(`(?i)^(sắp xếp\s+)`)
	reSplit     = regexp.MustCompile(`\s*,\s*(?:và\s+)?|\s+và\s+`)
	reDistrict  = regexp.MustCompile(`(?i)^(huyện|quận|thị xã|thành phố)\s+(.+)$`)
	reNotUnit   = regexp.MustCompile(`(?i)^(thôn|xóm|tổ dân phố|khu vực|trường bắn|ấp|bản|khu)\b`)
	reCua       = regexp.MustCompile(`(?i)^(.*)\b(?:của|củả)\s+(.*)$`)
	reCuTypo    = regexp.MustCompile(`(?i)^(.*)\bcủ\s+((?:các\s+)?(?:xã|phường|thị trấn|đặc khu|huyện|quận)\s+.*)$`)
	reInnerKind = regexp.MustCompile(`(?i)\s(?:xã|phường|thị trấn)\s`)
	reCac       = regexp.MustCompile(`(?i)^các\s+`)
	reKindOnly  = regexp.MustCompile(`(?i)^(các\s+)?(phường|xã|thị trấn)\s+((phường|xã|thị trấn)\s+.+)$`)
)

// parseCommuneText reads the official text of what a new commune was
// formed from into mentions of old units, in order. A bracket saying
// "phần còn lại …" marks the unit before it as a part; a bracket naming a
// district qualifies it. Once the text says "một phần" (part of the area or
// population of the units that follow), every unit after it counts as a
// part: over-marking a part only keeps a figure from being moved whole,
// which is the safe side.
func parseCommuneText(text string) []mention {
	text = norm.NFC.String(text)
	// Brackets: turn each into a marker on the piece before it.
	type note struct {
		part bool
		qual string
	}
	notes := map[int]note{}
	var b strings.Builder
	last := 0
	for _, m := range reBracket.FindAllStringSubmatchIndex(text, -1) {
		b.WriteString(text[last:m[0]])
		inner := strings.TrimSpace(text[m[2]:m[3]])
		idx := len(reSplit.Split(strings.TrimSpace(b.String()), -1)) - 1
		n := notes[idx]
		switch {
		case rePart.MatchString(inner):
			n.part = true
		case reDistrict.MatchString(inner):
			n.qual = inner
		}
		notes[idx] = n
		last = m[1]
	}
	b.WriteString(text[last:])
	clean := strings.Join(strings.Fields(b.String()), " ")
	clean = strings.TrimRight(clean, " .;")

	var out []mention
	part := false    // "một phần …" seen: what follows is a part
	pending := false // a piece that only says "một phần diện tích …"
	prefix := ""
	for i, seg := range reSplit.Split(clean, -1) {
		raw := seg
		seg = reAfter.ReplaceAllString(strings.TrimSpace(seg), "")
		seg = reLeadNoise.ReplaceAllString(seg, "")
		if seg == "" {
			continue
		}
		lead := ""
		m := reCua.FindStringSubmatch(seg)
		if m == nil {
			m = reCuTypo.FindStringSubmatch(seg) // "phần còn lại củ Xã Ngọc Thanh"
		}
		if m != nil {
			lead, seg = m[1], strings.TrimSpace(m[2])
		} else if rePart.MatchString(seg) || reWhole.MatchString(seg) || strings.Contains(strings.ToLower(seg), "quy mô dân số") || strings.Contains(strings.ToLower(seg), "diện tích") {
			// Only words about the area or population: they qualify what follows.
			if rePart.MatchString(seg) {
				pending, part = true, true
			} else if reWhole.MatchString(seg) && !pending {
				part = false
			}
			continue
		}
		if rePart.MatchString(lead) {
			part = true
		} else if reWhole.MatchString(lead) && !pending {
			part = false
		}
		pending = false
		seg = reCac.ReplaceAllString(seg, "")
		if m := reKindOnly.FindStringSubmatch(seg); m != nil {
			seg = m[3] // "các phường Phường Giảng Võ" → "Phường Giảng Võ"
		}
		if loc := reInnerKind.FindAllStringIndex(seg, -1); len(loc) > 0 {
			// "xã Yên Định Xã Yên Định": the name written twice; keep the last.
			if first, _ := splitPrefix(seg); first != "" {
				seg = strings.TrimSpace(seg[loc[len(loc)-1][0]:])
			}
		}
		mn := mention{Text: strings.TrimSpace(raw), Part: part || notes[i].part, Qualifier: notes[i].qual}
		switch {
		case reNotUnit.MatchString(seg):
			mn.NotUnit, mn.Name = true, seg
		case reDistrict.MatchString(seg):
			m := reDistrict.FindStringSubmatch(seg)
			mn.Level, mn.Prefix, mn.Name = LevelDistrict, strings.ToLower(m[1]), m[2]
		default:
			p, name := splitPrefix(seg)
			if p == "" {
				if lp, _ := splitPrefix(lead + " x"); lp != "" {
					p = lp
				} else {
					p = prefix // "các phường Cửa Nam, Điện Biên": Điện Biên is a phường too
				}
			} else {
				prefix = p
			}
			mn.Prefix, mn.Name = p, name
		}
		if mn.Name == "" {
			continue
		}
		out = append(out, mn)
	}
	return out
}

// parseProvinceText reads "tỉnh Bến Tre, tỉnh Trà Vinh và tỉnh Vĩnh Long"
// into the old provinces' names; "giữ nguyên" (unchanged) gives none.
func parseProvinceText(text string) []string {
	if i := strings.Index(text, ". "); i >= 0 {
		text = text[:i] // "… Từ ngày 30/04/2026, … chuyển thành Thành phố Đồng Nai …"
	}
	text = strings.TrimSpace(strings.TrimRight(text, "."))
	if strings.EqualFold(text, "giữ nguyên") {
		return nil
	}
	var names []string
	for _, seg := range reSplit.Split(text, -1) {
		seg = strings.TrimSpace(seg)
		low := strings.ToLower(seg)
		switch {
		case low == "tphcm" || low == "tp.hcm" || low == "tp hcm":
			names = append(names, "Hồ Chí Minh")
		case strings.HasPrefix(low, "tỉnh "):
			names = append(names, strings.TrimSpace(seg[len("tỉnh "):]))
		case strings.HasPrefix(low, "thành phố "):
			names = append(names, strings.TrimSpace(seg[len("thành phố "):]))
		default:
			names = append(names, seg)
		}
	}
	return names
}
