package csvio_test

import (
	"bufio"
	"errors"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/domain"
)

// FuzzRead feeds any bytes to every reader: none may panic; a file is
// either read, with rows on increasing lines after the header, or refused
// with one invalid-input error that names the file (and, past the header,
// the line), never a raw error from below.
func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		"code,name,kind,parent_code\nVN,Việt Nam,nation,\n83,Bến Tre,province,VN\n",
		"code,name,kind,parent_code,valid_from,valid_to\n83,B,province,VN,2025-07-01,2025-06-30\n",
		"campaign,unit_code,metric,target,effective_from,reason,reference\nref,90,collected,332,2023-12-01,initial,\n",
		"unit_code,metric,date,value,reported_at,note\n90000,collected,2023-12-01,15,2023-12-02T07:12:00+07:00,\"a, b\"\n",
		"unit_code,metric,date,value\n1,m,2023-12-01\n",
		"old_code,new_code,kind,source\n1,2,WHOLE,NQ 202\n",
		"\ufeffunit_code,metric,date,value\r\n\r\n1,m,2023-12-01,-1\r\n",
		"unit_code,metric,date,value\n1,\"m\n2\",2023-12-01,5\n",
		"slug,name,scope_code,start_date,end_date,metrics,report_deadline,deadline_days\nref,R,VN,2023-12-01,2023-12-20,a;b,07:30,1\n",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		// The import's first look: the header tells the shape, or an
		// invalid-input error says why it cannot.
		if header, err := csvio.ReadHeader(bufio.NewReader(strings.NewReader(text))); err == nil {
			if _, err := csvio.DetectFile(header, "f.csv"); err != nil && domain.ErrorCode(err) != domain.EINVALID {
				t.Fatalf("DetectFile(%q): %v", header, err)
			}
		}
		for _, shape := range []string{"units", "quotas", "reports", "crosswalk", "campaigns"} {
			lines, err := readAll(shape, text)
			for i, l := range lines {
				if l < 2 || (i > 0 && l <= lines[i-1]) {
					t.Fatalf("%s: row lines %v", shape, lines)
				}
			}
			if err == nil {
				continue
			}
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.EINVALID {
				t.Fatalf("%s: err = %#v, want an invalid-input *domain.Error", shape, err)
			}
			if !strings.HasPrefix(de.Field, shape+".csv") || de.Message == "" {
				t.Fatalf("%s: err field %q message %q", shape, de.Field, de.Message)
			}
		}
	})
}
