#!/usr/bin/env bash
# test_kiosk_hostile.sh — hostile input at the kiosk, pushed through the real
# executable's event loop (SDL dummy video driver, software renderer): a
# runaway badge scanner (5,000 characters), control characters and invalid
# UTF-8 arriving as typed text, and a 100-character guest name. Nothing may
# crash, nothing may be recorded from a mangled read, and nothing may be
# stored shortened: a too-long name is refused with a clear message.
. "$(dirname "$0")/kiosk_lib.sh"
kiosk_setup <<'CSV'
numero_empleado,nombre,primer_apellido,segundo_apellido,unidad,area,puesto
1001,María José,Peña,Gómez,SCLC,Departamento de Salud,Investigadora
1002,José Luis,Hernández,Ruiz,SCLC,Recursos Humanos,Jefe de departamento
CSV

# 1. A runaway scanner: 5,000 characters then Enter on home. The read is
#    refused as a whole (never cut down to some other number), the kiosk
#    stays on home, and a good read right after still works.
run badge_5000 "text-times 1000 10011
key enter
wait 50
expect home
expect-text No se pudo leer el gafete
text 1001
key enter
wait 50
expect done"
[ "$(count "$E")" = 1 ] || fail "badge_5000: expected exactly the one good check-in"

# 2. The same on the identify screen (badge read while the keypad shows).
run badge_5000_identify "tap event-0
expect identify
text-times 5000 7
key enter
wait 50
expect identify
expect-text No se pudo leer el gafete"
[ "$(count "$E")" = 1 ] || fail "badge_5000_identify: count changed"

# 3. Control characters and invalid UTF-8 inside a badge read: refused,
#    nothing recorded, no crash; the kiosk goes on working.
run badge_controls "text-hex 3130013032
key enter
wait 50
expect home
expect-text No se pudo leer el gafete
text-hex 31ff303032
key enter
wait 50
expect home
expect-text No se pudo leer el gafete
text-hex c0af1b5b41
text-hex edbfbf
key enter
wait 50
expect home
expect-text No se pudo leer el gafete
text 1002
key enter
wait 50
expect done
expect-text José Luis Hernández Ruiz"
[ "$(count "$E")" = 2 ] || fail "badge_controls: expected 2 attendees"

# 4. A 100-character guest name: refused with a clear message, nothing
#    stored; shortened by the person to fit, it is stored whole.
taps() { # taps WORD: one tap per letter (upper-case key labels)
    local w=$1 i
    for ((i = 0; i < ${#w}; i++)); do echo "tap ${w:i:1}"; done
}
long="$(taps ANA)
tap Espacio
$(for k in $(seq 15); do taps LUCIA; echo "tap Espacio"; done)
$(taps PEREZS)"
# "Ana " + 15 x "Lucia " + "Perezs" = 4 + 90 + 6 = 100 characters.
run guest_long "tap event-0
tap No aparezco en la lista
expect guest
$long
expect-text admite hasta 80
tap Registrarme como persona invitada
expect guest
expect-text no lo recortaremos"
[ "$(count "$E")" = 2 ] || fail "guest_long: a too-long name was recorded"

short="$(taps ANA)
tap Espacio
$(taps LUCIA)
tap Espacio
$(taps TORRES)
tap Espacio
$(taps DEL)
tap Espacio
$(taps VALLE)"
run guest_ok "tap event-0
tap No aparezco en la lista
expect guest
$short
tap Registrarme como persona invitada
expect done"
[ "$(count "$E")" = 3 ] || fail "guest_ok: expected 3 attendees"
"$B" --db k.db export attendance "$E" --format csv -o list.csv
grep -q "Ana Lucia Torres Del Valle" list.csv || { cat list.csv >&2; fail "guest_ok: the name was not stored whole"; }
echo "all hostile kiosk inputs handled"
