package config

import (
	"maps"
	"reflect"
	"strings"

	"github.com/robotui/robotui/ui/keys"
)

// field is one leaf setting, found by walking Config's toml tags (and, for [keys], ui/keys'
// table), so those stay the only lists of keys.
type field struct {
	key     string // dotted key, e.g. "gateway.port"
	section string // "gateway"
	name    string // "port"
	env     string // "ROBOTUI_GATEWAY_PORT"
	index   []int  // path to the field inside Config; nil for a key binding
}

// get returns the setting's current value.
func (f *field) get(c *Config) any {
	if f.index == nil {
		return c.Keys[f.name]
	}
	return reflect.ValueOf(c).Elem().FieldByIndex(f.index).Interface()
}

// set stores a value through store, which is given a settable value of the setting's type.
func (f *field) set(c *Config, store func(reflect.Value) error) error {
	if f.index != nil {
		return store(reflect.ValueOf(c).Elem().FieldByIndex(f.index))
	}
	v := reflect.New(reflect.TypeFor[[]string]()).Elem()
	if err := store(v); err != nil {
		return err
	}
	c.Keys = maps.Clone(c.Keys) // a copy of the Config may share the map
	c.Keys[f.name] = v.Interface().([]string)
	return nil
}

const envPrefix = "ROBOTUI_"

var (
	fields      = buildFields()
	fieldByKey  = indexFields(func(f *field) string { return f.key })
	fieldByEnv  = indexFields(func(f *field) string { return f.env })
	sectionKeys = groupSections()
)

func buildFields() []*field {
	var out []*field
	add := func(section, name string, index []int) {
		out = append(out, &field{key: section + "." + name, section: section, name: name,
			env: envPrefix + strings.ToUpper(section+"_"+name), index: index})
	}
	ct := reflect.TypeFor[Config]()
	for i := range ct.NumField() {
		sf := ct.Field(i)
		section := sf.Tag.Get("toml")
		switch {
		case section == "":
		case sf.Type.Kind() == reflect.Map: // [keys]
			for _, a := range keys.Actions {
				add(section, string(a), nil)
			}
		default:
			for j := range sf.Type.NumField() {
				add(section, sf.Type.Field(j).Tag.Get("toml"), []int{i, j})
			}
		}
	}
	return out
}

func indexFields(by func(*field) string) map[string]*field {
	m := make(map[string]*field, len(fields))
	for _, f := range fields {
		m[by(f)] = f
	}
	return m
}

// groupSections maps each section to its key names in declaration order.
func groupSections() map[string][]string {
	m := map[string][]string{}
	for _, f := range fields {
		m[f.section] = append(m[f.section], f.name)
	}
	return m
}

// sectionNames lists the sections in declaration order.
func sectionNames() []string {
	var out []string
	for _, f := range fields {
		if len(out) == 0 || out[len(out)-1] != f.section {
			out = append(out, f.section)
		}
	}
	return out
}
