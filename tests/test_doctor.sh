#!/usr/bin/env bash
# test_doctor.sh — `cepci-kiosk doctor` on a healthy kiosk folder (every
# line OK, exit 0, nothing changed), then each check made to fail in turn:
# its line says ERROR or AVISO with the reason, the exit status is 1 exactly
# when there is an ERROR, and doctor changes nothing (the database's bytes
# and the list of files are compared before and after every run).
# Then the root guard (run as root, init, backup and run refuse a folder
# owned by another user, naming runuser; other commands work and leave no
# root-owned file).
#
# Parts that need root (the tmpfs for the disk check, the other user) say
# SKIP when not root; the test itself needs only the binary and sqlite3.
set -euo pipefail
B=$(readlink -f "${CK_BIN:?CK_BIN not set}")
SRC=${CK_SOURCE_DIR:?CK_SOURCE_DIR not set}
# (Under LeakSanitizer, the list of suppressions used would be stderr output.)
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0"
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 not installed"; exit 77; }
command -v perl >/dev/null || { echo "SKIP: perl not installed"; exit 77; }
T=$(mktemp -d /tmp/ck-doctor-XXXXXX)
cleanup() {
    [ -n "${fake_pid:-}" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }
skip() { echo "SKIP - $*"; }
mkdir "$T/out"   # what the test itself writes while doctor runs (not compared)
cd "$T"

# A kiosk folder: config, database with a roster, an event and a check-in,
# a backup, an export folder, a printer that is a plain file.
K=$T/kiosk
mkdir -m 700 "$K" "$K/backups" "$K/exports"
write_ini() { # [EXTRA LINES]: kiosk.ini with the source tree's texts
    cat > "$K/kiosk.ini" <<EOF
[institution]
name = Institución de Prueba
[kiosk]
unit = SCLC
[printer]
uri = ${PRINTER:-escpos+file:$K/printer.out}
[texts]
carta = $SRC/assets/carta-compromiso.txt
privacy = $SRC/assets/aviso-privacidad.txt
attract = $SRC/assets/attract
[backup]
dir = $K/backups
[export]
dir = $K/exports
[unit.SCLC]
name = San Cristóbal de Las Casas
timezone = America/Mexico_City
EOF
    printf '%s\n' "$@" >> "$K/kiosk.ini"
}
write_ini
ck() { "$B" --db "$K/k.db" --config "$K/kiosk.ini" "$@"; }
kiosk_id=$(ck init)
printf 'numero_empleado,nombre,primer_apellido,segundo_apellido,unidad\n100001,José,Peña,Íñiguez,SCLC\n' > r.csv
ck roster import r.csv > /dev/null
E=$(ck event add --title "Taller de ética" --kind taller --topics etica --unit SCLC --start "2026-01-10 10:00" --no-signature)
ck event open "$E"
ck checkin "$E" 100001 --keyed > /dev/null
ck backup > /dev/null

# state: what doctor must not change (the database's bytes, the files).
state() { (cd "$T" && find . -path ./out -prune -o -print | LC_ALL=C sort && cat "$K"/k.db* 2>/dev/null) | sha256sum; }
# doctor [ARGS...]: runs doctor; its output in $out, status in $rc; fails
# when it changed anything or its output is not one screenful.
doctor() {
    local before after
    before=$(state)
    set +e
    out=$("$@" doctor 2> "$T/out/err")
    rc=$?
    set -e
    after=$(state)
    [ "$before" = "$after" ] || fail "doctor changed files: $out"
    [ ! -s "$T/out/err" ] || fail "doctor wrote to stderr: $(cat "$T/out/err")"
    [ "$(printf '%s\n' "$out" | wc -l)" -le 24 ] || fail "more than a screenful: $out"
}
# expect LEVEL TOPIC PATTERN STATUS: the TOPIC line has LEVEL and PATTERN
# (a fixed string), the exit status is STATUS.
expect() {
    local line
    line=$(printf '%s\n' "$out" | grep -E "^$1 +$2  " || true)
    [ -n "$line" ] || fail "no '$1 $2' line in:"$'\n'"$out"
    [[ $line == *"$3"* ]] || fail "'$line' lacks '$3'"
    [ "$rc" = "$4" ] || fail "exit $rc, not $4, with:"$'\n'"$out"
    echo "ok - $line (exit $rc)"
}

# ---- healthy ----
doctor ck
printf '%s\n' "$out" | sed 's/^/  /'
for topic in configuración textos "base de datos" auditoría permisos llave tipografía impresora respaldos \
             exportaciones central; do
    printf '%s\n' "$out" | grep -qE "^OK +$topic  " || fail "$topic is not OK:"$'\n'"$out"
done
printf '%s\n' "$out" | grep -qE "^(OK|AVISO) +disco  " || fail "disk:"$'\n'"$out"
[ "$rc" = 0 ] || fail "healthy kiosk: exit $rc"
expect OK "base de datos" "íntegra, esquema $(find "$SRC/db" -maxdepth 1 -name '*.sql' | wc -l), quiosco $kiosk_id" 0
entries=$(ck audit verify | sed -n 's/^cadena de auditoría íntegra: \([0-9]*\) entradas verificadas$/\1/p')
expect OK auditoría "cadena íntegra: $entries entradas verificadas" 0
expect OK llave "corresponde al quiosco $kiosk_id" 0
ok "healthy: every check OK, exit 0, nothing changed"

# ---- configuration ----
cp "$K/kiosk.ini" "$T/good.ini"
write_ini "[kiosk]" "idle_timeout = nunca"
doctor ck
expect ERROR configuración "kiosk.ini:19: [kiosk] idle_timeout" 1
cp "$T/good.ini" "$K/kiosk.ini"
doctor "$B" --db "$K/k.db" --config "$T/missing.ini"
expect ERROR configuración "missing.ini: cannot open" 1
doctor "$B" --db "$K/k.db"
expect AVISO configuración "ninguna (valores por defecto)" 0
sed -i 's/^unit = SCLC/unit = CHE/' "$K/kiosk.ini"
doctor ck
expect AVISO configuración "la unidad CHE no tiene sección [unit.CHE]" 0
cp "$T/good.ini" "$K/kiosk.ini"

# ---- texts ----
sed -i "s|^carta = .*|carta = $T/no-carta.txt|" "$K/kiosk.ini"
doctor ck
expect ERROR textos "no se puede leer la Carta Compromiso $T/no-carta.txt" 1
cp "$T/good.ini" "$K/kiosk.ini"
mkdir "$T/no-attract"
sed -i "s|^attract = .*|attract = $T/no-attract|" "$K/kiosk.ini"
doctor ck
expect AVISO textos "sin mensajes de espera" 0
cp "$T/good.ini" "$K/kiosk.ini"

# ---- database ----
mv "$K/k.db" "$T/k.db.saved"
doctor ck
expect ERROR "base de datos" "k.db no existe; créela con: cepci-kiosk init" 1
expect AVISO auditoría "no revisada" 1
mv "$T/k.db.saved" "$K/k.db"
# A damaged page (the first table page after meta's: the header of page 5).
cp "$K/k.db" "$T/k.db.saved"
printf '\377\377\377\377\377\377\377\377' | dd of="$K/k.db" bs=1 seek=$((4 * 4096)) conv=notrunc status=none
doctor ck
expect ERROR "base de datos" "está dañada: Page 5" 1
cp "$T/k.db.saved" "$K/k.db"
# Written by a newer version: refused, as the kiosk would.
sqlite3 "$K/k.db" "PRAGMA user_version = 99"
doctor ck
expect ERROR "base de datos" "es del esquema 99, más nuevo que el de este programa" 1
cp "$T/k.db.saved" "$K/k.db"
# Not ours.
sqlite3 "$T/other.db" "CREATE TABLE t(x); PRAGMA user_version = 1"
doctor "$B" --db "$T/other.db" --config "$K/kiosk.ini"
expect ERROR "base de datos" "no es una base de datos de cepci-kiosk" 1
rm "$T/other.db"
# (An older schema is doctor's AVISO "se actualizará": tests/test_upgrade.sh,
# which has a newer binary.)

# ---- audit ----
sqlite3 "$K/k.db" "UPDATE person SET given_name = 'Josefa' WHERE employee_no = '100001'"
doctor ck
expect ERROR auditoría "ROTA" 1
cp "$T/k.db.saved" "$K/k.db"

# ---- modes and owners ----
chmod 644 "$K/k.db"
doctor ck
expect AVISO permisos "k.db tiene modo 644 (datos personales): chmod 600" 0
chmod 600 "$K/k.db"
chmod 755 "$K"
doctor ck
expect AVISO permisos "la carpeta $K tiene modo 755" 0
chmod 700 "$K"

# ---- key ----
mv "$K/k.db.key" "$T/key.saved"
doctor ck
expect ERROR llave "falta la llave de firma $K/k.db.key" 1
cp "$T/key.saved" "$K/k.db.key"
chmod 640 "$K/k.db.key"
doctor ck
expect ERROR llave "la pueden leer otros usuarios" 1
chmod 600 "$K/k.db.key"
"$B" --db "$T/other.db" init --institution X --unit SCLC > /dev/null
cp "$T/other.db.key" "$K/k.db.key"
doctor ck
expect ERROR llave "no es la llave del quiosco $kiosk_id" 1
cp "$T/key.saved" "$K/k.db.key"
rm -f "$T"/other.db*
doctor ck
[ "$rc" = 0 ] || fail "restored kiosk: $out"

# ---- fonts ----
printf '<?xml version="1.0"?>\n<fontconfig><dir>%s/no-fonts</dir><cachedir>%s/out/fc-cache</cachedir></fontconfig>\n' \
    "$T" "$T" > "$T/fonts.conf"
doctor env FONTCONFIG_FILE="$T/fonts.conf" "$B" --db "$K/k.db" --config "$K/kiosk.ini"
expect ERROR tipografía "no encuentra Noto Sans ni DejaVu Sans" 1

# ---- printer ----
# A fake ESC/POS printer on TCP: answers the paper-status query (DLE EOT 4)
# with the byte given, or never ("none").
fake_printer() { # STATUS-BYTE|none: starts it (in this shell, so stop_fake can end it); its port in $port
    perl -MIO::Socket::INET -e '
        $| = 1;
        my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 5, ReuseAddr => 1) or die;
        print $s->sockport, "\n";
        while (my $c = $s->accept) {
            my $buf = "";
            while (sysread($c, my $b, 64)) {
                $buf .= $b;
                if ($buf =~ /\x10\x04\x04/) { syswrite($c, chr(hex($ARGV[0]))) if $ARGV[0] ne "none"; $buf = ""; }
            }
            close $c;
        }' "$1" > "$T/out/port" 2> "$T/out/perl.err" < /dev/null &
    fake_pid=$!
    for _ in $(seq 50); do [ -s "$T/out/port" ] && break; sleep 0.1; done
    port=$(cat "$T/out/port")
    [ -n "$port" ] || fail "the fake printer did not start: $(cat "$T/out/perl.err")"
}
stop_fake() { kill "$fake_pid" 2>/dev/null; wait "$fake_pid" 2>/dev/null || true; fake_pid=; rm -f "$T/out/port"; }
printer() { PRINTER=$1 write_ini; }

fake_printer 12
printer "escpos+tcp://127.0.0.1:$port"
doctor ck
expect OK impresora "escpos+tcp://127.0.0.1:$port contesta y tiene papel" 0
stop_fake
fake_printer 72   # paper end
printer "escpos+tcp://127.0.0.1:$port"
doctor ck
expect AVISO impresora "no tiene papel" 0
stop_fake
fake_printer none
printer "escpos+tcp://127.0.0.1:$port"
start=$(date +%s%N)
doctor ck
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect AVISO impresora "no recibe datos" 0
[ "$ms" -lt 5000 ] || fail "a silent printer kept doctor $ms ms"
ok "silent printer: doctor took $ms ms"
stop_fake
printer "escpos+tcp://127.0.0.1:$port"   # nobody listens there now
doctor ck
expect AVISO impresora "rechaza la conexión" 0
printer "escpos+file:/dev/cepci-no-printer"
doctor ck
expect AVISO impresora "no se encuentra la impresora /dev/cepci-no-printer" 0
printer "png:$T/no-folder"
doctor ck
expect AVISO impresora "no puede escribir en $T/no-folder" 0
printer "cups:Recibos"
doctor ck
printf '%s\n' "$out" | grep -qE "^(AVISO|OK) +impresora +cups:Recibos: " || fail "cups: $out"
if [ ! -x /usr/bin/lpstat ]; then
    printf '%s\n' "$out" | grep -q "cups:Recibos: no se encuentra lpstat (instale cups-client)" || fail "cups without lpstat: $out"
fi
[ "$rc" = 0 ] || fail "cups: exit $rc"
ok "$(printf '%s\n' "$out" | grep impresora)"
cp "$T/good.ini" "$K/kiosk.ini"

# ---- backups and exports ----
mv "$K/backups" "$T/backups.saved"
doctor ck
expect AVISO respaldos "no existe todavía" 0
mkdir -m 700 "$K/backups"
doctor ck
expect AVISO respaldos "ningún respaldo todavía" 0
cp "$K/k.db" "$K/backups/cepci-kiosk-20200101-000000.db"
doctor ck
expect AVISO respaldos "1 respaldo, el más reciente de hace" 0
[[ $out == *"días"* ]] || fail "the age is not in days: $out"
rm -rf "$K/backups"
mv "$T/backups.saved" "$K/backups"
rmdir "$K/exports"
doctor ck
expect AVISO exportaciones "$K/exports no existe" 0
mkdir -m 700 "$K/exports"

# ---- disk (a 30 MiB tmpfs in a private mount namespace) ----
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && unshare --mount --propagation private true 2>/dev/null; then
    mkdir "$T/small"
    set +e
    out=$(unshare --mount --propagation private bash -c '
        mount -t tmpfs -o size=30m tmpfs "$1" && cp -a "$2"/k.db "$2"/k.db.key "$1"/ &&
        "$3" --db "$1/k.db" --config "$2/kiosk.ini" doctor' bash "$T/small" "$K" "$B" 2>&1)
    rc=$?
    set -e
    expect ERROR disco "libres en $T/small: el quiosco puede dejar de guardar registros" 1
else
    skip "disk: needs root and a private mount namespace (unshare; / a mount point, not a chroot) for a small tmpfs"
fi

# ---- central ----
doctor ck
expect OK central "no configurada" 0
# A central that cannot be reached: a warning with the reason and what
# waits to be sent, never an error (the kiosk records offline). Port 9 on
# this machine's loopback: nothing listens there.
write_ini "[central]" "url = host=127.0.0.1 port=9 dbname=cepci user=nadie connect_timeout=2"
doctor ck
expect AVISO central "no se pudo conectar con la central" 0
expect AVISO central "entradas pendientes de enviar, nunca se ha sincronizado" 0
write_ini

# ---- root guard, and ownership ----
if [ "$(id -u)" = 0 ] && getent passwd nobody >/dev/null; then
    N=$T/nobody
    mkdir -m 700 "$N"
    chown nobody: "$N"
    chmod 755 "$T"
    as_nobody() { setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups "$@"; }
    for cmd in "init --institution X --unit SCLC" "backup" "run"; do
        set +e
        # shellcheck disable=SC2086
        err=$("$B" --db "$N/k.db" $cmd 2>&1 >/dev/null)
        rc=$?
        set -e
        [ "$rc" = 1 ] || fail "root $cmd: exit $rc"
        [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "root $cmd: $err"
        [[ $err == *"como root dejaría en"*"que el quiosco (usuario nobody) no podría abrir; use: runuser -u nobody -- cepci-kiosk ${cmd%% *}"* ]] ||
            fail "root $cmd: $err"
        [ -z "$(ls -A "$N")" ] || fail "root $cmd left files: $(ls -A "$N")"
        ok "root ${cmd%% *}: $err"
    done
    as_nobody "$B" --db "$N/k.db" init --institution X --unit SCLC > /dev/null
    # As root: a roster import and doctor work, and leave nothing of root's.
    "$B" --db "$N/k.db" roster import r.csv > /dev/null
    "$B" --db "$N/k.db" backup "$T/root-backups" > /dev/null   # a folder of root's: allowed
    doctor "$B" --db "$N/k.db" --config "$K/kiosk.ini"
    printf '%s\n' "$out" | grep -q "usuario nobody" || fail "doctor's user: $out"
    expect OK permisos "del usuario nobody" 0
    owners=$(find "$N" -printf '%u\n' | sort -u | tr '\n' ' ')
    [ "$owners" = "nobody " ] || fail "files of other users in the kiosk folder: $(find "$N" -printf '%u %p\n')"
    ok "as root: roster import, backup elsewhere and doctor work; every file in the folder is nobody's"
    # A key copied back by root (a restore) is the error doctor names.
    chown root "$N/k.db.key"
    doctor "$B" --db "$N/k.db" --config "$K/kiosk.ini"
    expect ERROR permisos "k.db.key es de root y el quiosco (usuario nobody) no podrá abrirlo: chown nobody" 1
    chown nobody "$N/k.db.key"
    chmod 700 "$T"
else
    skip "root guard: needs root and the user nobody"
fi
echo "doctor: all checks pass"
