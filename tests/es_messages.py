#!/usr/bin/env python3
"""es_messages.py SOURCE_DIR — prints, one per line, every English message
format that the program's C sources hand to a user (store_fail,
store_sqlerr and store_exec "what" texts, cli_error, the err buffers of
the domain, export and receipt layers, roster and sheet failures, config
reasons, what audit verify notes), with C escapes decoded and newlines as
\\n. Messages already in Spanish and bare formats ("%s: %s") are left out.
tests/test_cli_es.c checks that cli_es translates each one."""
import os, re, sys

CALLS = (r'(?:store_fail\s*\(\s*\w+\s*,\s*\w+\s*,|store_sqlerr\s*\(\s*\w+\s*,\s*\w+\s*,|cli_error\s*\('
         r'|snprintf\s*\(\s*[\w>.-]*(?:err|warn)\w*\s*,\s*[\w >.()-]+,|\w+_fail\s*\([^";]*?,|bad\s*='
         r'|\bnote\s*\(\s*[\w>.-]+\s*,\s*[\w>.-]+\s*,)')
SPANISH = re.compile(r'[áéíóúñ¿¡]|\b(?:de|del|la|el|los|las|uso|hay|una|un|falta|desconocid[oa]s?|no se|o|en|que|con|para|se|es|su|al|memoria|cierre|tiene|fecha|archivo|fila)\b',
                     re.I)

def literals(src):
    # Literals and the macros between them ("... such as " CK_DEFAULT_TZ ")"): a macro is a %s.
    for m in re.finditer(CALLS + r'\s*("(?:[^"\\]|\\.)*"(?:\s*(?:"(?:[^"\\]|\\.)*"|[A-Z][A-Z0-9_]+(?=\s*")))*)',
                         src):
        yield ''.join(t if t else '%s' for t in re.findall(r'"((?:[^"\\]|\\.)*)"|[A-Z][A-Z0-9_]+', m.group(1)))
    for m in re.finditer(r'(?:store_sqlerr|store_exec_stmt|store_exec)\s*\([^;]*?,\s*"((?:[^"\\]|\\.)*)"\s*\)', src):
        yield m.group(1)

def main():
    root = os.path.join(sys.argv[1], 'kiosk')
    seen = set()
    for d, _, files in os.walk(root):
        if os.path.basename(d) in ('ui', 'screens', 'platform'):
            continue  # the kiosk's screens are Spanish, and no command prints them
        for f in sorted(files):
            if not f.endswith('.c') or f == 'cli_es.c':
                continue
            for lit in literals(open(os.path.join(d, f), encoding='utf-8').read()):
                text = bytes(lit, 'utf-8').decode('unicode_escape').encode('latin-1').decode('utf-8')
                words = re.sub(r'%[-+ #0]*\d*(?:\.\d*)?[hlzjt]*[a-zA-Z%]', ' ', text)
                if not re.search(r'[A-Za-z]{3,}', words) or SPANISH.search(words) or text in seen:
                    continue
                seen.add(text)
                print(text.replace('\n', '\\n'))

if __name__ == '__main__':
    main()
