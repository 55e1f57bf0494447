# make install, as a plugin author uses it: the build directory $B installed
# into a scratch DESTDIR, without changing anything in $B; forkload.pc there
# gives the installed include dir; examples/plugin-hello.c builds with
# nothing but pkg-config --cflags forkload and runs under forkload; and
# make uninstall takes forkload.pc and <forkload/task.h> away again.
. tests/lib.sh
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
D="$TMP/destdir"
# The directories $B installs into, as configure set them.
mkvar() { sed -n "s/^$1 = //p" "$B/Makefile"; }
prefix=$(mkvar prefix)
libdir=$(mkvar libdir | sed "s|\${exec_prefix}|$(mkvar exec_prefix)|;
    s|\${prefix}|$prefix|")
includedir=$(mkvar includedir | sed "s|\${prefix}|$prefix|")
PC="$D$libdir/pkgconfig/forkload.pc"
H="$D$includedir/forkload/task.h"

if ! command -v "$PKG_CONFIG" > /dev/null 2>&1; then
	notok "pkg-config is installed" "no $PKG_CONFIG: run ./deps.sh"
	exit 0
fi

# make install must find $B built: a stamp older than anything it would
# touch shows that it rebuilt or regenerated nothing there.
touch "$TMP/stamp"
sleep 1
if make -s -C "$B" install DESTDIR="$D" > "$TMP/install.out" 2>&1; then
	ok "make install DESTDIR=... succeeds"
else
	notok "make install DESTDIR=... succeeds" \
	    "$(tail -5 "$TMP/install.out")"
fi
eq "make install leaves the build dir as it was" \
    "$(find "$B" -newer "$TMP/stamp" ! -type d | head -5)" ""
check "forkload.pc is in \$(libdir)/pkgconfig" [ -f "$PC" ]
check "<forkload/task.h> is installed, as in the source tree" \
    cmp -s "$H" include/forkload/task.h
eq "forkload.pc names the package's version" \
    "$(sed -n 's/^Version: //p' "$PC")" \
    "$(sed -n 's/^PACKAGE_VERSION = //p' "$B/Makefile")"

# Only the DESTDIR's pkg-config files, seen as if installed at /: the
# system's own, or a forkload installed there, cannot answer for it.
# ALLOW_SYSTEM_CFLAGS keeps -I/usr/include for a --prefix=/usr build.
PKG_CONFIG_LIBDIR="$D$libdir/pkgconfig"
PKG_CONFIG_SYSROOT_DIR="$D"
PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1
export PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_ALLOW_SYSTEM_CFLAGS
# trim: pkg-config ends its flags with a space.
trim() { sed 's/^ *//; s/ *$//'; }
cflags=$("$PKG_CONFIG" --cflags forkload 2>&1 | trim)
eq "pkg-config --cflags forkload gives the installed include dir" \
    "$cflags" "-I$D$includedir"
eq "pkg-config --libs forkload: a plugin links nothing of forkload" \
    "$("$PKG_CONFIG" --libs forkload 2>&1 | trim)" ""

# The example, built as its comment says, with the flags pkg-config gives.
# shellcheck disable=SC2086
if cc $cflags -shared -fPIC -o "$TMP/hello.so" examples/plugin-hello.c \
    > "$TMP/cc.out" 2>&1; then
	ok "plugin-hello.c builds with pkg-config --cflags forkload"
else
	notok "plugin-hello.c builds with pkg-config --cflags forkload" \
	    "$(head -5 "$TMP/cc.out")"
fi
# And the flags are what made it build, unless the header is also
# installed where cc looks anyway.
if [ -e /usr/include/forkload/task.h ] ||
    [ -e /usr/local/include/forkload/task.h ]; then
	skip "without the flags it does not build" \
	    "forkload/task.h is installed on this system"
elif cc -shared -fPIC -o "$TMP/noflags.so" examples/plugin-hello.c \
    2> /dev/null; then
	notok "without the flags it does not build" \
	    "it built: the test cannot tell that the flags matter"
else
	ok "without the flags it does not build"
fi

printf 'unchanged\n' > "$TMP/file"
rm -f "$R"
timeout -k 5 "$FL_TIMEOUT" "$FL" run -n 5 -q --json \
    --plugin "$TMP/hello.so:$TMP/file" > "$R" 2> "$FLERR"
# shellcheck disable=SC2034 # fl_check reads it
RC=$?
fl_check "the installed-API plugin, -n 5" 0
eq "the installed-API plugin: 5 ok, nothing else" \
    "$(jq -c '.runs[0].requests | [.issued, .ok, .failed, .lost]' "$R" \
    2>&1)" '[5,5,0,0]'

if make -s -C "$B" uninstall DESTDIR="$D" > "$TMP/uninstall.out" 2>&1; then
	ok "make uninstall DESTDIR=... succeeds"
else
	notok "make uninstall DESTDIR=... succeeds" \
	    "$(tail -5 "$TMP/uninstall.out")"
fi
check "make uninstall removes forkload.pc" [ ! -e "$PC" ]
check "make uninstall removes <forkload/task.h>" [ ! -e "$H" ]
eq "make uninstall leaves no file in the DESTDIR" \
    "$(find "$D" ! -type d | head -5)" ""
