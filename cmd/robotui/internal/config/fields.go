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

// set stores a value through store, which is given a settable value of the setting's type,
// and records that it came from at.
func (f *field) set(c *Config, at Error, store func(reflect.Value) error) error {
	v := reflect.New(reflect.TypeFor[[]string]()).Elem()
	if f.index != nil {
		v = reflect.ValueOf(c).Elem().FieldByIndex(f.index)
	}
	if err := store(v); err != nil {
		return err
	}
	// Maps are cloned before writing: a copy of the Config may share them.
	if f.index == nil {
		c.Keys = maps.Clone(c.Keys)
		c.Keys[f.name] = v.Interface().([]string)
	}
	c.origins = maps.Clone(c.origins)
	if c.origins == nil {
		c.origins = map[string]Error{}
	}
	c.origins[f.key] = at
	return nil
}

const envPrefix = "ROBOTUI_"

// The settings, found by init: in declaration order, by dotted key and by variable; and the
// sections, with their key names, in declaration order.
var (
	fields      []*field
	fieldByKey  = map[string]*field{}
	fieldByEnv  = map[string]*field{}
	sections    []string
	sectionKeys = map[string][]string{}
)

func init() {
	add := func(section, name string, index []int) {
		f := &field{key: section + "." + name, section: section, name: name,
			env: envPrefix + strings.ToUpper(section+"_"+name), index: index}
		fields = append(fields, f)
		fieldByKey[f.key], fieldByEnv[f.env] = f, f
		sectionKeys[section] = append(sectionKeys[section], name)
	}
	ct := reflect.TypeFor[Config]()
	for i := range ct.NumField() {
		sf := ct.Field(i)
		section := sf.Tag.Get("toml")
		if section == "" {
			continue
		}
		sections = append(sections, section)
		if sf.Type.Kind() == reflect.Map { // [keys]
			for _, a := range keys.Actions {
				add(section, string(a), nil)
			}
			continue
		}
		for j := range sf.Type.NumField() {
			name := sf.Type.Field(j).Tag.Get("toml")
			if isTableList(section + "." + name) {
				sectionKeys[section] = append(sectionKeys[section], name) // known, decoded whole
				continue
			}
			add(section, name, []int{i, j})
		}
	}
}
