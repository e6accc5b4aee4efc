package config

import (
	"reflect"
	"strings"
)

// field is one leaf setting, found by walking Config's toml tags, so the struct stays the only
// list of keys.
type field struct {
	key     string // dotted key, e.g. "gateway.port"
	section string // "gateway"
	name    string // "port"
	env     string // "ROBOTUI_GATEWAY_PORT"
	index   []int  // path to the field inside Config
}

// value is the addressable field inside c.
func (f *field) value(c *Config) reflect.Value {
	return reflect.ValueOf(c).Elem().FieldByIndex(f.index)
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
	ct := reflect.TypeFor[Config]()
	for i := range ct.NumField() {
		sf := ct.Field(i)
		section := sf.Tag.Get("toml")
		if section == "" {
			continue
		}
		for j := range sf.Type.NumField() {
			kf := sf.Type.Field(j)
			name := kf.Tag.Get("toml")
			out = append(out, &field{
				key:     section + "." + name,
				section: section,
				name:    name,
				env:     envPrefix + strings.ToUpper(section+"_"+name),
				index:   []int{i, j},
			})
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
