"""Opens a Tiến Độ XLSX download with openpyxl (a maintained reader) and
checks it: a frozen header row with the expected Vietnamese headers, and
in each named column numbers stored as numbers (not text), with the
expected number format. Prints one line per sheet; exits 1 on a problem.

usage: xlsx_check.py FILE HEADER=FORMAT... (e.g. "Số lượng=#,##0" "Tỷ lệ đạt=0.00%")
"""
import sys

import openpyxl


def main(path, specs):
    wb = openpyxl.load_workbook(path, read_only=False)
    want = dict(s.split("=", 1) for s in specs)
    problems = []
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        if ws.freeze_panes != "A2":
            problems.append(f"{ws.title}: header row not frozen ({ws.freeze_panes})")
        for name, fmt in want.items():
            if name not in header:
                problems.append(f"{ws.title}: no column {name!r} in {header}")
                continue
            col = header.index(name) + 1
            numbers = 0
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                if cell.value is None:
                    continue
                if isinstance(cell.value, bool) or not isinstance(cell.value, (int, float)):
                    problems.append(f"{ws.title}!{cell.coordinate}: {cell.value!r} is not a number")
                    break
                if cell.number_format != fmt:
                    problems.append(f"{ws.title}!{cell.coordinate}: format {cell.number_format!r}, want {fmt!r}")
                    break
                numbers += 1
            if numbers == 0:
                problems.append(f"{ws.title}: column {name!r} holds no number")
        print(f"{ws.title}: {ws.max_row - 1} rows, columns {', '.join(want)} are numbers")
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
