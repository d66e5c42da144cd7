package album

import (
	"errors"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// The project file is read in two steps. go-toml's decoder first checks that
// the file is valid TOML (syntax, duplicate keys, redefined tables) and
// reports the first violation with its position. The document is then
// parsed again into a small tree that keeps the position of every key and
// value, which the schema walk in decode.go reads. The walk reports every
// unknown key, wrong type and bad value in one run, which strict decoding
// into structs cannot: it stops at the first type error, and numbers never
// reach UnmarshalText.

// tval is one TOML value with its position.
type tval struct {
	kind  unstable.Kind
	data  string
	at    position
	elems []*tval // Array
	table *ttable // InlineTable
}

// tentry is what a key of a table holds.
type tentry struct {
	key    position
	val    *tval     // a value (possibly an inline table)
	table  *ttable   // a [table]
	tables []*ttable // an [[array of tables]]
}

// ttable is a TOML table with its keys in the order they were written.
type ttable struct {
	at   position
	keys []string
	ents map[string]*tentry
}

func newTable(at position) *ttable { return &ttable{at: at, ents: map[string]*tentry{}} }

func (t *ttable) entry(key string, at position) *tentry {
	e, ok := t.ents[key]
	if !ok {
		e = &tentry{key: at}
		t.ents[key] = e
		t.keys = append(t.keys, key)
	}
	return e
}

// syntaxProblem checks that data is valid TOML. go-toml gives syntax errors
// a position but not every semantic one; a key defined twice is located by
// parseTree instead.
func syntaxProblem(name string, data []byte) *Problem {
	var v map[string]any
	err := toml.Unmarshal(data, &v)
	if err == nil {
		return nil
	}
	p := &Problem{File: name, Msg: "invalid TOML: " + strings.TrimPrefix(err.Error(), "toml: ")}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		p.Line, p.Col = de.Position()
		if k := de.Key(); len(k) > 0 {
			p.Path = strings.Join(k, ".")
		}
		return p
	}
	var dup *dupError
	if _, err := parseTree(data); errors.As(err, &dup) {
		p.Line, p.Col, p.Msg = dup.at.line, dup.at.col, "invalid TOML: "+dup.Error()
	}
	return p
}

// parseTree parses valid TOML into a ttable tree.
func parseTree(data []byte) (*ttable, error) {
	var p unstable.Parser
	p.Reset(data)
	root := newTable(position{1, 1})
	cur := root
	pos := func(n *unstable.Node) position {
		if n == nil || n.Raw.Length == 0 {
			return position{}
		}
		s := p.Shape(n.Raw).Start
		return position{s.Line, s.Column}
	}
	// valuePos finds a value that carries no range of its own (booleans,
	// arrays): the first character after the '=' that follows its key.
	valuePos := func(key *unstable.Node) position {
		if key == nil || key.Raw.Length == 0 {
			return position{}
		}
		start := p.Shape(key.Raw).Start
		line, col := start.Line, start.Column
		i := start.Offset
		seenEq := false
		for ; i < len(data); i++ {
			c := data[i]
			switch {
			case c == '\n':
				return position{}
			case c == '=' && !seenEq:
				seenEq = true
			case seenEq && c != ' ' && c != '\t':
				return position{line, col}
			}
			col++
		}
		return position{}
	}
	keyParts := func(it unstable.Iterator) ([]string, []position) {
		var parts []string
		var at []position
		for it.Next() {
			parts = append(parts, string(it.Node().Data))
			at = append(at, pos(it.Node()))
		}
		return parts, at
	}
	// descend walks from t through all but the last key part, creating
	// implicit tables and entering the last element of arrays of tables.
	descend := func(t *ttable, parts []string, at []position) *ttable {
		for i, k := range parts[:len(parts)-1] {
			e := t.entry(k, at[i])
			switch {
			case e.table != nil:
				t = e.table
			case len(e.tables) > 0:
				t = e.tables[len(e.tables)-1]
			case e.val != nil && e.val.table != nil:
				t = e.val.table
			default:
				e.table = newTable(at[i])
				t = e.table
			}
		}
		return t
	}
	var dup error
	var value func(n *unstable.Node, keyAt position) *tval
	value = func(n *unstable.Node, keyAt position) *tval {
		v := &tval{kind: n.Kind, data: string(n.Data), at: pos(n)}
		if v.at == (position{}) {
			v.at = keyAt
		}
		switch n.Kind {
		case unstable.Array:
			it := n.Children()
			for it.Next() {
				if it.Node().Kind == unstable.Comment {
					continue
				}
				v.elems = append(v.elems, value(it.Node(), v.at))
			}
		case unstable.InlineTable:
			v.table = newTable(v.at)
			it := n.Children()
			for it.Next() {
				if err := setKeyValue(v.table, it.Node(), keyParts, descend, value, valuePos); err != nil && dup == nil {
					dup = err
				}
			}
		}
		return v
	}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			parts, at := keyParts(e.Key())
			t := descend(root, parts, at)
			last := parts[len(parts)-1]
			ent := t.entry(last, at[len(at)-1])
			nt := newTable(at[len(at)-1])
			if e.Kind == unstable.ArrayTable {
				ent.tables = append(ent.tables, nt)
				cur = nt
			} else {
				if ent.table == nil {
					ent.table = nt
				}
				ent.table.at = nt.at
				cur = ent.table
			}
		case unstable.KeyValue:
			if err := setKeyValue(cur, e, keyParts, descend, value, valuePos); err != nil && dup == nil {
				dup = err
			}
		}
	}
	if dup != nil {
		return root, dup
	}
	return root, p.Error()
}

// dupError is a key defined twice, found by parseTree.
type dupError struct {
	at   position
	path string
}

func (e *dupError) Error() string { return "key " + e.path + " is already defined" }

func setKeyValue(t *ttable, kv *unstable.Node,
	keyParts func(unstable.Iterator) ([]string, []position),
	descend func(*ttable, []string, []position) *ttable,
	value func(*unstable.Node, position) *tval,
	valuePos func(*unstable.Node) position) error {
	parts, at := keyParts(kv.Key())
	t = descend(t, parts, at)
	ent := t.entry(parts[len(parts)-1], at[len(at)-1])
	if ent.val != nil || ent.table != nil || ent.tables != nil {
		return &dupError{at: at[len(at)-1], path: strings.Join(parts, ".")}
	}
	it := kv.Key()
	it.Next()
	vat := valuePos(it.Node())
	if vat == (position{}) {
		vat = at[len(at)-1]
	}
	ent.val = value(kv.Value(), vat)
	return nil
}
