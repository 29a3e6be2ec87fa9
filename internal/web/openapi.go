package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
)

// The OpenAPI document is kept in parts: base.json holds the info, the
// worker endpoints and shared components; each feature adds a file with
// its own paths and components, merged here at start.
//
//go:embed openapi/*.json
var openAPIFS embed.FS

// openAPIDocument merges the parts into one OpenAPI 3.1 document.
func openAPIDocument() ([]byte, error) {
	var doc map[string]any
	if err := readOpenAPIPart("openapi/base.json", &doc); err != nil {
		return nil, err
	}
	names, err := fs.Glob(openAPIFS, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		if name == "openapi/base.json" {
			continue
		}
		var part map[string]any
		if err := readOpenAPIPart(name, &part); err != nil {
			return nil, err
		}
		if err := mergeInto(doc, part, name); err != nil {
			return nil, err
		}
	}
	return json.MarshalIndent(doc, "", "  ")
}

func readOpenAPIPart(name string, v any) error {
	raw, err := openAPIFS.ReadFile(name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("web: %s: %w", name, err)
	}
	return nil
}

// mergeInto adds part's paths, components and tags to doc; a path or
// component defined twice is an error, found at start.
func mergeInto(doc, part map[string]any, name string) error {
	for _, section := range []string{"paths"} {
		if err := mergeMap(doc, part, section, name); err != nil {
			return err
		}
	}
	if pc, ok := part["components"].(map[string]any); ok {
		dc, _ := doc["components"].(map[string]any)
		if dc == nil {
			dc = map[string]any{}
			doc["components"] = dc
		}
		for kind := range pc {
			if err := mergeMap(dc, pc, kind, name); err != nil {
				return err
			}
		}
	}
	if tags, ok := part["tags"].([]any); ok {
		existing, _ := doc["tags"].([]any)
		doc["tags"] = append(existing, tags...)
	}
	return nil
}

func mergeMap(dst, src map[string]any, key, name string) error {
	s, ok := src[key].(map[string]any)
	if !ok {
		return nil
	}
	d, _ := dst[key].(map[string]any)
	if d == nil {
		d = map[string]any{}
		dst[key] = d
	}
	for k, v := range s {
		if _, dup := d[k]; dup {
			return fmt.Errorf("web: %s: %s %q is defined twice", name, key, k)
		}
		d[k] = v
	}
	return nil
}

// openAPI serves the API's OpenAPI 3.1 document.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(s.openapi)
}
