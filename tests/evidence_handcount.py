#!/usr/bin/env python3
"""evidence_handcount.py — counts a year's figures by hand, from what was
typed in (the roster file and the lists, as tests/evidence_lib.sh recorded
them), and checks every figure of the evidence package against the count:
the indicators (per unit and total), the event list, each attendance list's
rows and the pledge database.

usage: evidence_handcount.py TRUTH_DIR PADRON.csv PACKAGE_DIR YEAR
Exit 0 when every figure matches, 1 (naming each difference) when not.
Nothing here uses the program's code: the rules are the SPEC's, written
again (a person counts once, in their roster unit; guests and inactive
staff never count; a training counts when one of its topics is one of the
first seven and it is not a draft)."""
import csv
import glob
import os
import sys

COUNTING = {'etica', 'integridad', 'conflicto-intereses', 'igualdad-genero', 'violencia-genero', 'hsas',
            'discriminacion'}
GOAL_TRAINED, GOAL_PLEDGED = 15.0, 50.0


def pct(a, b):
    return round(100.0 * a / b, 2) if b else 0.0


def read_csv(path):
    with open(path, encoding='utf-8-sig', newline='') as f:
        return list(csv.reader(f))


def main():
    truth, padron, pkg, year = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    bad = []

    def check(what, got, want):
        if str(got) != str(want):
            bad.append('%s: the package says %s, the hand count %s' % (what, got, want))

    roster = {}
    for row in read_csv(padron)[1:]:
        roster[row[0]] = {'unit': row[4], 'active': row[8] == 'sí'}
    events = {}
    for line in open(os.path.join(truth, 'events.tsv'), encoding='utf-8'):
        title, unit, topics, state = line.rstrip('\n').split('\t')
        events[title] = {'unit': unit, 'topics': set(topics.split(',')), 'state': state, 'people': []}
    for line in open(os.path.join(truth, 'att.tsv'), encoding='utf-8'):
        title, no = line.rstrip('\n').split('\t')
        events[title]['people'].append(no)
    pledged = {l.strip() for l in open(os.path.join(truth, 'pledges.txt')) if l.strip()}

    units = sorted({p['unit'] for p in roster.values()})
    staff = {u: 0 for u in units}
    for p in roster.values():
        if p['active']:
            staff[p['unit']] += 1
    counts = lambda e: e['state'] != 'draft' and bool(e['topics'] & COUNTING)
    trained_people = set()
    covered = set()
    for e in events.values():
        if not counts(e):
            continue
        active = [n for n in e['people'] if roster.get(n, {}).get('active')]
        trained_people.update(active)
        if e['people']:
            covered.add(e['unit'])
    trained = {u: 0 for u in units}
    signed = {u: 0 for u in units}
    for n, p in roster.items():
        if p['active'] and n in trained_people:
            trained[p['unit']] += 1
        if p['active'] and n in pledged:
            signed[p['unit']] += 1

    # The indicators in the package.
    rows = read_csv(os.path.join(pkg, 'indicadores', 'indicadores_%d.csv' % year))
    head = rows[0]
    col = {name: i for i, name in enumerate(head)}
    seen = set()
    for r in rows[1:]:
        u = r[col['Unidad']]
        if u == 'TOTAL':
            check('total staff', r[col['Personal']], sum(staff.values()))
            check('total trained (I.1)', r[col['Personas capacitadas (I.1)']], len([n for n in trained_people]))
            check('total trained %', r[col['Porcentaje de personal capacitado']],
                  '%g' % pct(len(trained_people), sum(staff.values())))
            check('total pledged (IV.3)', r[col['Firmantes de la Carta (IV.3)']], sum(signed.values()))
            check('units covered (I.2)', r[col['Con capacitación (I.2)']],
                  '%d de %d unidades' % (len(covered), len(units)))
            continue
        seen.add(u)
        check('%s staff' % u, r[col['Personal']], staff[u])
        check('%s trained' % u, r[col['Personas capacitadas (I.1)']], trained[u])
        check('%s trained %%' % u, r[col['Porcentaje de personal capacitado']], '%g' % pct(trained[u], staff[u]))
        check('%s pledged' % u, r[col['Firmantes de la Carta (IV.3)']], signed[u])
        check('%s pledged %%' % u, r[col['Porcentaje de firmantes']], '%g' % pct(signed[u], staff[u]))
        check('%s held a training' % u, r[col['Con capacitación (I.2)']], 'sí' if u in covered else 'no')
    check('units in the indicators', sorted(seen), units)

    # The event list.
    rows = read_csv(os.path.join(pkg, 'eventos_%d.csv' % year))
    col = {name: i for i, name in enumerate(rows[0])}
    check('events listed', len(rows) - 1, len(events))
    for r in rows[1:]:
        e = events.get(r[col['Título']])
        if e is None:
            bad.append('event list: unknown event %s' % r[col['Título']])
            continue
        n_active = len([n for n in e['people'] if roster.get(n, {}).get('active')])
        check('%s: attendees' % r[col['Título']], r[col['Asistentes']], len(e['people']))
        check('%s: counted' % r[col['Título']], r[col['Personal que cuenta para los indicadores']],
              n_active if counts(e) else 0)
        check('%s: counts' % r[col['Título']], r[col['Cuenta para I.1 e I.2']], 'sí' if counts(e) else 'no')

    # Each attendance list: its rows are exactly the people typed in.
    lists = sorted(glob.glob(os.path.join(pkg, '*', '*', 'lista-asistencia_*.csv')))
    held = [t for t, e in events.items() if e['state'] != 'draft']
    check('attendance lists in the package', len(lists), len(held))
    for path in lists:
        rows = read_csv(path)
        col = {name.lower(): i for i, name in enumerate(rows[0])}
        key = [k for k in col if 'empleado' in k][0]
        nos = sorted(r[col[key]] for r in rows[1:])
        match = [t for t in held if sorted(events[t]['people']) == nos]
        if not match:
            bad.append('%s: its %d rows are no list typed in' % (os.path.relpath(path, pkg), len(nos)))

    # The pledge database.
    rows = read_csv(os.path.join(pkg, '4.3.2', 'base-datos-carta-compromiso_%d.csv' % year))
    check('pledge database rows', len(rows) - 1, len(pledged))

    for b in bad:
        print('MISMATCH: ' + b)
    print('hand count: %d staff, %d trained (%.2f %%), %d of %d units covered, %d pledged; %d events, %d lists'
          % (sum(staff.values()), len(trained_people), pct(len(trained_people), sum(staff.values())), len(covered),
             len(units), sum(signed.values()), len(events), len(lists)))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
