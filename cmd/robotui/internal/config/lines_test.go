package config

import (
	"reflect"
	"testing"
)

func TestKeyLines(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want map[string]int
	}{
		{"tables and keys", "# c\n[gateway]\nport = 1 # c\n\n[ keepalive ]\n  interval = \"2s\"\n",
			map[string]int{"gateway": 2, "gateway.port": 3, "keepalive": 5, "keepalive.interval": 6}},
		{"dotted and quoted keys", "a.b = 1\n\"c\".'d' . e = 2\n[\"x.y\"]\nz=3\n",
			map[string]int{"a": 1, "a.b": 1, "c": 2, "c.d": 2, "c.d.e": 2, "x.y": 3, "x.y.z": 4}},
		{"inline tables", "t = { a = 1, b = { c = [1, 2] } }\nu = 2\n",
			map[string]int{"t": 1, "t.a": 1, "t.b": 1, "t.b.c": 1, "u": 2}},
		{"multi-line arrays with comments and tables inside", "l = [\n  \"a\", # [not.a.table]\n  [1],\n  {k = 1},\n]\nm = 1\n",
			map[string]int{"l": 1, "m": 6}},
		{"multi-line strings", "s = \"\"\"\n[no]\nk = 1\n\"\"\"\nt = '''\n[no]'''\nu = \"a\\\"b\"\nv = \"\"\"x\"\"\"\"\"\nw = 1\n",
			map[string]int{"s": 1, "t": 5, "u": 7, "v": 8, "w": 9}},
		{"array of tables", "[[a]]\nx = 1\n[[a]]\nx = 2\n",
			map[string]int{"a": 1, "a.x": 2}},
		{"crlf", "[g]\r\nk = 1\r\n",
			map[string]int{"g": 1, "g.k": 2}},
		{"dates and numbers", "d = 1979-05-27 07:32:00Z\nf = -1.5e3\nn = 0x1F\n",
			map[string]int{"d": 1, "f": 2, "n": 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := keyLines(tt.src); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}
