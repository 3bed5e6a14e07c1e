// The query page's editor: CodeMirror 6 with the SPARQL mode, completion of the prefixes and of the
// graph's terms, Ctrl+Enter to run. build.sh bundles this file into ../editor.js (one IIFE).
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { StreamLanguage, syntaxHighlighting, defaultHighlightStyle, bracketMatching } from "@codemirror/language";
import { autocompletion, completionKeymap, closeBrackets } from "@codemirror/autocomplete";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";

const KEYWORDS = ("SELECT DISTINCT REDUCED WHERE FILTER OPTIONAL UNION MINUS GRAPH SERVICE BIND VALUES " +
  "ORDER BY ASC DESC LIMIT OFFSET GROUP HAVING PREFIX BASE ASK CONSTRUCT DESCRIBE FROM NAMED EXISTS NOT IN AS " +
  "COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE " +
  "STRLEN SUBSTR UCASE LCASE STRSTARTS STRENDS CONTAINS STRBEFORE STRAFTER ENCODE_FOR_URI CONCAT REPLACE REGEX " +
  "ABS ROUND CEIL FLOOR YEAR MONTH DAY NOW COALESCE IF STRLANG STRDT isIRI isURI isBLANK isLITERAL isNUMERIC").split(" ");

/** Completion: PREFIX names (with their namespace), prefixed terms of the graph, and SPARQL keywords. */
function completer(options) {
  return (context) => {
    const word = context.matchBefore(/[\w-]*:?[\w.-]*/u);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    const items = [];
    for (const [prefix, namespace] of Object.entries(options.prefixes || {})) {
      items.push({ label: prefix + ":", type: "namespace", detail: namespace });
    }
    for (const term of options.terms || []) items.push({ label: term.label, type: term.type || "property", detail: term.detail || "" });
    for (const keyword of KEYWORDS) items.push({ label: keyword, type: "keyword" });
    return { from: word.from, options: items, validFor: /^[\w-]*:?[\w.-]*$/u };
  };
}

/** Replace ``textarea`` with an editor; returns {view, getValue, setValue, setTerms}. */
export function create(textarea, options = {}) {
  const state = { terms: options.terms || [] };
  const run = () => { if (options.onRun) options.onRun(); return true; };
  const view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(), history(), drawSelection(), highlightActiveLine(), bracketMatching(), closeBrackets(),
        StreamLanguage.define(sparql), syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        autocompletion({ override: [completer({ prefixes: options.prefixes, get terms() { return state.terms; } })] }),
        keymap.of([{ key: "Mod-Enter", run }, indentWithTab, ...completionKeymap, ...defaultKeymap, ...historyKeymap]),
        EditorView.updateListener.of((update) => { if (update.docChanged) textarea.value = update.state.doc.toString(); }),
        EditorView.contentAttributes.of({ "aria-label": "SPARQL query", spellcheck: "false" }),
        // the page's Content-Security-Policy admits the editor's own <style> by this nonce
        ...(options.nonce ? [EditorView.cspNonce.of(options.nonce)] : []),
      ],
    }),
  });
  textarea.hidden = true;
  textarea.insertAdjacentElement("afterend", view.dom);
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    setTerms: (terms) => { state.terms = terms; },
  };
}
