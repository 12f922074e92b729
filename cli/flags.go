package cli

import (
	"fmt"
	"strings"

	"gridcmd/model"
)

// required is a flag a command needs and whether it is missing.
type required struct {
	flag    string
	missing bool
}

// missing names the required flags that are missing ("reserve draft:
// missing --person, --micro-grid"); nil when none is.
func missing(command string, flags ...required) error {
	var names []string
	for _, f := range flags {
		if f.missing {
			names = append(names, f.flag)
		}
	}
	if len(names) == 0 {
		return nil
	}
	return fmt.Errorf("%s: missing %s", command, strings.Join(names, ", "))
}

// blank is whether a flag's value is empty or only spaces.
func blank(v string) bool { return strings.TrimSpace(v) == "" }

// optional reads a flag that may be left out: v parsed into *dst, or
// nothing when v is empty (*dst keeps its value).
func optional[T any](dst *T, v string, parse func(string) (T, error)) error {
	if v == "" {
		return nil
	}
	x, err := parse(v)
	if err != nil {
		return err
	}
	*dst = x
	return nil
}

// flagError is the domain's refusal of a flag's value, named by the flag:
// "--note: at most 500 characters".
func flagError(flag string, err error) error {
	return fmt.Errorf("%s: %s", flag, model.ErrorMessage(err))
}

// cleanFlag is a flag's text cleaned by model.CleanText; a refusal names
// the flag.
func cleanFlag(flag, v string, multiline bool) (string, error) {
	s, err := model.CleanText(v, multiline)
	if err != nil {
		return "", flagError(flag, err)
	}
	return s, nil
}
