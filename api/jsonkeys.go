package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strings"

	"gridcmd/model"
)

// strictKeys refuses, with a 400 naming the field, what encoding/json lets
// through in a body that would decode into a value of type t: a key given
// twice in one object (encoding/json keeps the last), and a key that names
// a field only when case is ignored ("NODE" for "node"; encoding/json
// matches names case-insensitively). A body that is not well-formed JSON
// is left to the decoder to refuse: strictKeys then returns nil.
func strictKeys(body []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	err := walkKeys(dec, t, "")
	if re, ok := err.(*requestError); ok {
		return re
	}
	return nil
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// walkKeys reads one JSON value from dec, checking every object's keys
// against t (nil: any keys, still each once). It returns a *requestError
// for a refusal, any other error when the JSON is malformed.
func walkKeys(dec *json.Decoder, t reflect.Type, path string) error {
	t = plain(t)
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		var fields map[string]reflect.Type
		var elem reflect.Type
		if t != nil {
			switch t.Kind() {
			case reflect.Struct:
				fields = jsonFields(t)
			case reflect.Map:
				elem = t.Elem()
			}
		}
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := kt.(string)
			name := join(path, key)
			if seen[key] {
				return badRequest(model.Errorf(model.EINVALID, "%s: given twice; give each field once", name).Zh("%s：重复给出；每个字段只给一次", name).On(name))
			}
			seen[key] = true
			next := elem
			if fields != nil {
				ft, ok := fields[key]
				if !ok {
					for want := range fields {
						if strings.EqualFold(want, key) {
							return badRequest(model.Errorf(model.EINVALID, "unknown field %q: field names are case-sensitive; want %q", key, want).
								Zh("未知字段 %q：字段名区分大小写；应为 %q", key, want).On(name))
						}
					}
				}
				next = ft
			}
			if err := walkKeys(dec, next, name); err != nil {
				return err
			}
		}
		_, err := dec.Token() // '}'
		return err
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for dec.More() {
			if err := walkKeys(dec, elem, path); err != nil {
				return err
			}
		}
		_, err := dec.Token() // ']'
		return err
	}
	return nil
}

// plain is t without pointers, or nil when values of t decode themselves
// (their keys are theirs to check) or t is an interface.
func plain(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() == reflect.Interface {
		return nil
	}
	pt := reflect.PointerTo(t)
	if t.Implements(jsonUnmarshaler) || pt.Implements(jsonUnmarshaler) ||
		t.Implements(textUnmarshaler) || pt.Implements(textUnmarshaler) {
		return nil
	}
	return t
}

// jsonFields are the JSON names of t's fields, as encoding/json names
// them (the tag's name, else the Go name; embedded structs' fields
// promoted), and their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		var embedded []reflect.Type // after the fields of t: a shallower name wins
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					embedded = append(embedded, ft)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, dup := out[name]; !dup {
				out[name] = f.Type
			}
		}
		for _, et := range embedded {
			add(et)
		}
	}
	add(t)
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
