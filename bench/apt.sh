# bench/apt.sh: sourced by the bench scripts. bench_install TAG PKG...
# installs the Debian packages given (none: nothing to do), with sudo when
# not root. A failed install is not fatal: a missing peer is reported as
# such by the script that wanted it.
bench_install() {
	tag=$1
	shift
	[ $# -gt 0 ] || return 0
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	echo "$tag: installing: $*" >&2
	timeout 600 $sudo apt-get update -q >&2 || true
	DEBIAN_FRONTEND=noninteractive timeout 900 $sudo \
	    apt-get install -y -q --no-install-recommends "$@" >&2 ||
	    echo "$tag: apt-get install failed; going on" >&2
}
