package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"gridcmd/model"
)

// column is one column a sheet knows: its key (used in messages and by the
// parser), the header spellings accepted (compared in lower case) and
// whether the file must have it.
type column struct {
	key      string
	names    []string
	required bool
}

// sheet reads a CSV file with a header line, row by row, naming the file and
// the line in every error.
type sheet struct {
	name  string
	cr    *csv.Reader
	idx   map[string]int // column key -> index in the record
	width int            // columns in the header
}

var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// openSheet reads the header of r (after an optional UTF-8 BOM) and maps the
// known columns; unknown columns are ignored.
func openSheet(name string, r io.Reader, cols []column) (*sheet, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(len(utf8BOM)); err == nil && bytes.Equal(b, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
	}
	s := &sheet{name: name, cr: csv.NewReader(br), idx: map[string]int{}}
	s.cr.FieldsPerRecord = -1 // counted here, for a better message
	head, err := s.cr.Read()
	if err == io.EOF {
		return nil, model.Errorf(model.EINVALID, "%s: empty file; want a header line naming the columns (%s)", name, keys(cols)).
			Zh("%s：空文件；应有一行表头，列出各列（%s）", name, keys(cols))
	}
	if err != nil {
		return nil, s.readError(err)
	}
	line, _ := s.cr.FieldPos(0)
	s.width = len(head)
	for i, h := range head {
		t, err := model.CleanText(h, false)
		if err != nil {
			return nil, s.refuse(line, model.Errorf(model.EINVALID, "header column %d: %s", i+1, model.ErrorMessage(err)).
				Zh("表头第 %d 列：%s", i+1, model.ErrorMessageZh(err)))
		}
		t = strings.ToLower(t)
		for _, c := range cols {
			if !slices.Contains(c.names, t) {
				continue
			}
			if j, dup := s.idx[c.key]; dup {
				return nil, s.refuse(line, model.Errorf(model.EINVALID, "columns %d (%q) and %d (%q) both give %s", j+1, head[j], i+1, h, c.key).
					Zh("第 %d 列（%q）与第 %d 列（%q）都是 %s", j+1, head[j], i+1, h, c.key))
			}
			s.idx[c.key] = i
		}
	}
	for _, c := range cols {
		if _, ok := s.idx[c.key]; c.required && !ok {
			return nil, s.refuse(line, model.Errorf(model.EINVALID, "missing column %q", c.key).Zh("缺少列 %q", c.key))
		}
	}
	return s, nil
}

func keys(cols []column) string {
	k := make([]string, len(cols))
	for i, c := range cols {
		k[i] = c.key
	}
	return strings.Join(k, ",")
}

// parseRows reads a sheet of one thing a row: parse makes each row's,
// in file order; none, if set, refuses a sheet without rows ("name: none").
func parseRows[T any](name string, r io.Reader, cols []column, none string, parse func(rw row) (T, error)) ([]T, error) {
	s, err := openSheet(name, r, cols)
	if err != nil {
		return nil, err
	}
	var out []T
	err = s.each(func(rw row) error {
		x, err := parse(rw)
		if err != nil {
			return err
		}
		out = append(out, x)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 && none != "" {
		return nil, model.Errorf(model.EINVALID, "%s: %s", name, none)
	}
	return out, nil
}

// group is the rows of a sheet that share a key: what they build (b) and
// their first row (its line, and its columns that later rows repeat).
type group[B any] struct {
	first row
	b     B
}

// eachGroup reads a sheet whose rows are grouped by key (an area's
// checkpoints, a rotation's groups): open builds a group from its first
// row, fn takes every row with its group, the first included. The groups
// come back in the order of their first rows; a sheet without rows is
// refused ("name: no WHAT, only a header").
func eachGroup[B any](name string, r io.Reader, cols []column, what string, key func(rw row) (string, error), open func(rw row, k string) (B, error), fn func(rw row, k string, g *group[B]) error) ([]*group[B], error) {
	s, err := openSheet(name, r, cols)
	if err != nil {
		return nil, err
	}
	var order []*group[B]
	by := map[string]*group[B]{}
	err = s.each(func(rw row) error {
		k, err := key(rw)
		if err != nil {
			return err
		}
		g := by[k]
		if g == nil {
			b, err := open(rw, k)
			if err != nil {
				return err
			}
			g = &group[B]{first: rw, b: b}
			by[k] = g
			order = append(order, g)
		}
		return fn(rw, k, g)
	})
	if err != nil {
		return nil, err
	}
	if len(order) == 0 {
		return nil, model.Errorf(model.EINVALID, "%s: no %s, only a header", name, what)
	}
	return order, nil
}

// row is one data line: its number and its known columns, cleaned (absent
// optional columns are "").
type row struct {
	sheet *sheet
	line  int
	val   map[string]string
}

// errorf makes the error of this row: "file:line: reason".
func (r row) errorf(format string, args ...any) error {
	return r.sheet.errorf(r.line, format, args...)
}

// refuse makes err the error of this row (sheet.refuse).
func (r row) refuse(err error) error { return r.sheet.refuse(r.line, err) }

// each calls fn on every row in file order and stops at the first error,
// of the file or of fn.
func (s *sheet) each(fn func(rw row) error) error {
	for {
		rw, err := s.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(rw); err != nil {
			return err
		}
	}
}

// next returns the next row, or io.EOF after the last. Each known column
// goes through model.CleanText as a single line.
func (s *sheet) next() (row, error) {
	rec, err := s.cr.Read()
	if err == io.EOF {
		return row{}, io.EOF
	}
	if err != nil {
		return row{}, s.readError(err)
	}
	line, _ := s.cr.FieldPos(0)
	if len(rec) != s.width {
		return row{}, s.refuse(line, model.Errorf(model.EINVALID, "%d columns, want %d as in the header", len(rec), s.width).
			Zh("%d 列，应与表头一样为 %d 列", len(rec), s.width))
	}
	r := row{sheet: s, line: line, val: make(map[string]string, len(s.idx))}
	for k, i := range s.idx {
		t, err := model.CleanText(rec[i], false)
		if err != nil {
			return row{}, s.refuse(line, model.Errorf(model.EINVALID, "column %s: %s", k, model.ErrorMessage(err)).
				Zh("%s 列：%s", k, model.ErrorMessageZh(err)))
		}
		r.val[k] = t
	}
	return r, nil
}

// errorf makes the error of a bad line: "file:line: reason".
func (s *sheet) errorf(line int, format string, args ...any) error {
	return model.Errorf(model.EINVALID, "%s:%d: %s", s.name, line, fmt.Sprintf(format, args...))
}

// refuse makes err the error of a bad line, invalid input whatever its
// code: "file:line: reason" (model.AtLine), and in Chinese where err says it
// in Chinese ("file 第 line 行：原因").
func (s *sheet) refuse(line int, err error) error {
	e := model.Errorf(model.EINVALID, "%s", model.ErrorMessage(err))
	var d *model.Error
	if errors.As(err, &d) {
		e.MessageZh = d.MessageZh
	}
	return model.AtLine(e, s.name, line)
}

func (s *sheet) readError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return s.errorf(pe.Line, "%v", pe.Err)
	}
	return fmt.Errorf("%s: %w", s.name, err)
}
