// Package zhcheck holds one test: every refusal gridcmd makes with
// model.Errorf says it in Chinese too (a .Zh(...) on the same expression),
// so the console in zh never shows an English refusal of ours.
package zhcheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// packages are those whose refusals reach an officer.
var packages = []string{"model", "store", "api", "cli", "ui"}

func TestEveryRefusalSaysItInChinese(t *testing.T) {
	fset := token.NewFileSet()
	var missing []string
	for _, dir := range packages {
		files, err := filepath.Glob(filepath.Join("..", "..", dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s (%v)", dir, err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := parser.ParseFile(fset, path, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			missing = append(missing, refusalsWithoutZh(fset, f, dir == "model")...)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d refusals made with Errorf have no .Zh(...):\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

// refusalsWithoutZh lists the positions of the Errorf calls in f that no
// .Zh(...) call of the same chain covers (Errorf(...).On("x").Zh(...)).
func refusalsWithoutZh(fset *token.FileSet, f *ast.File, inModel bool) []string {
	covered := map[*ast.CallExpr]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Zh" {
			for x := sel.X; ; {
				c, ok := x.(*ast.CallExpr)
				if !ok {
					break
				}
				covered[c] = true
				s, ok := c.Fun.(*ast.SelectorExpr)
				if !ok {
					break
				}
				x = s.X
			}
		}
		return true
	})
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || covered[call] || !isErrorf(call, inModel) {
			return true
		}
		out = append(out, fset.Position(call.Pos()).String())
		return true
	})
	return out
}

// isErrorf tells a call of model.Errorf (Errorf inside model itself).
func isErrorf(call *ast.CallExpr, inModel bool) bool {
	switch fun := call.Fun.(type) {
	case *ast.SelectorExpr:
		pkg, ok := fun.X.(*ast.Ident)
		return ok && pkg.Name == "model" && fun.Sel.Name == "Errorf"
	case *ast.Ident:
		return inModel && fun.Name == "Errorf"
	}
	return false
}
