#!/usr/bin/env bash
# Real mail servers on 127.0.0.1 for Parlor's integration tests: Postfix for
# SMTP, Dovecot for IMAP, both with a certificate from a private CA. Every
# address under a domain ending in .test is a mailbox (password "parlor"),
# made on first delivery or login; mail to any other domain is refused, so
# nothing ever leaves the machine.
#
#   scripts/mail.sh [start]     ensure both run; print the env lines on stdout
#   scripts/mail.sh stop        stop both
#   scripts/mail.sh smtp-stop   stop Postfix only (an SMTP outage, for tests)
#   scripts/mail.sh smtp-start  start Postfix again, wait for its ports
#   scripts/mail.sh env         print the env lines, start nothing
#
# Environment: the ports by the names printed (PARLOR_TEST_SMTP_PORT...), and
# PARLOR_MAIL_DIR for mailboxes, certificates and logs. Needs root: it takes
# over the system's Postfix (/etc/postfix), fine on a test machine only.
set -euo pipefail
say() { printf '[mail] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

SMTP_PORT="${PARLOR_TEST_SMTP_PORT:-2525}"
SUBMISSION_PORT="${PARLOR_TEST_SUBMISSION_PORT:-2587}"
SMTPS_PORT="${PARLOR_TEST_SMTPS_PORT:-2465}"
IMAP_PORT="${PARLOR_TEST_IMAP_PORT:-1143}"
IMAPS_PORT="${PARLOR_TEST_IMAPS_PORT:-1993}"
DIR="${PARLOR_MAIL_DIR:-/var/tmp/parlor-mail}"
PASSWORD=parlor
TIMEOUT=30 # seconds to wait for a server to accept (or refuse) connections
SMTP_PORTS=("$SMTP_PORT" "$SUBMISSION_PORT" "$SMTPS_PORT")
IMAP_PORTS=("$IMAP_PORT" "$IMAPS_PORT")

print_env() {
  cat <<ENV
PARLOR_TEST_SMTP_HOST=127.0.0.1
PARLOR_TEST_SMTP_PORT=$SMTP_PORT
PARLOR_TEST_SUBMISSION_PORT=$SUBMISSION_PORT
PARLOR_TEST_SMTPS_PORT=$SMTPS_PORT
PARLOR_TEST_IMAP_PORT=$IMAP_PORT
PARLOR_TEST_IMAPS_PORT=$IMAPS_PORT
PARLOR_TEST_MAIL_CA=$DIR/ca.pem
PARLOR_TEST_MAIL_PASSWORD=$PASSWORD
ENV
}

cmd="${1:-start}"
case "$cmd" in
  env) print_env; exit 0 ;;
  start|stop|smtp-stop|smtp-start) ;;
  *) echo "usage: $0 [start|stop|smtp-stop|smtp-start|env]" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || die "run as root: Postfix and Dovecot run as system daemons"

# Is the daemon behind a pid file alive (and not a stranger reusing the pid)?
pid_of() { tr -d ' \n' 2>/dev/null <"$1" || true; }
alive() { local p; p="$(pid_of "$1")"; [ -n "$p" ] && [ "$(readlink "/proc/$p/exe" 2>/dev/null || true)" = "$2" ]; }
PF_PIDFILE=/var/spool/postfix/pid/master.pid
DC_PIDFILE="$DIR/run/master.pid"
postfix_up() { alive "$PF_PIDFILE" /usr/lib/postfix/sbin/master; }
dovecot_up() { alive "$DC_PIDFILE" /usr/sbin/dovecot; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

fail_with_log() { # log message
  say "error: $2"; if [ -f "$1" ]; then say "last lines of $1:"; tail -n 20 "$1" >&2; fi; exit 1
}
# Someone else's server on our port would pass for ours; refuse.
ports_free() { local p; for p; do ! port_open "$p" || die "another server listens on 127.0.0.1:$p; set PARLOR_TEST_*_PORT"; done; }
# wait_ports open|closed LOG PORT...: until each port accepts (or refuses).
wait_ports() {
  local want="$1" log="$2" p deadline=$((SECONDS + TIMEOUT)); shift 2
  for p in "$@"; do
    while if port_open "$p"; then [ "$want" = closed ]; else [ "$want" = open ]; fi; do
      [ "$SECONDS" -lt "$deadline" ] || fail_with_log "$log" "127.0.0.1:$p is not $want after ${TIMEOUT}s"
      sleep 0.1
    done
  done
}
wait_gone() { # check-function what
  local deadline=$((SECONDS + TIMEOUT))
  while "$1"; do [ "$SECONDS" -lt "$deadline" ] || die "$2 still runs after ${TIMEOUT}s"; sleep 0.1; done
}

stop_postfix() {
  if postfix_up; then say "stopping Postfix"; postfix stop >&2 || true; wait_gone postfix_up Postfix; fi
  wait_ports closed "$DIR/postfix.log" "${SMTP_PORTS[@]}"
}
stop_dovecot() {
  if dovecot_up; then say "stopping Dovecot"; kill "$(pid_of "$DC_PIDFILE")"; wait_gone dovecot_up Dovecot; fi
  wait_ports closed "$DIR/dovecot.log" "${IMAP_PORTS[@]}"
}
case "$cmd" in
  stop) stop_postfix; stop_dovecot; exit 0 ;;
  smtp-stop) stop_postfix; exit 0 ;;
esac

# --- start / smtp-start: packages, mail user, certificates, configuration ---
. "$(dirname "$0")/apt.sh"
if ! dpkg -s postfix >/dev/null 2>&1; then
  # "No configuration": the package installs without questions and writes no
  # main.cf; the one below is complete.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
fi
apt_install postfix dovecot-imapd dovecot-lmtpd openssl

# One owner for every mailbox, whatever the address.
if ! id -u vmail >/dev/null 2>&1; then
  say "adding the system user vmail (owns the mailboxes)"
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin vmail
fi
VUID="$(id -u vmail)"
VGID="$(id -g vmail)"
# 755: Dovecot's unprivileged login processes live in $DIR/run.
[ -d "$DIR" ] || install -d -m 755 "$DIR"
[ -d "$DIR/vmail" ] || install -d -o vmail -g vmail -m 700 "$DIR/vmail"

# A CA and a server certificate, made once. rustls (webpki) wants a v3
# certificate naming the host in subjectAltName: "localhost" and "127.0.0.1"
# both, whichever a client connects to.
if ! [ -s "$DIR/ca.pem" ] || ! [ -s "$DIR/server.pem" ] || ! [ -s "$DIR/server.key" ]; then
  say "making a CA and a certificate for localhost and 127.0.0.1 in $DIR"
  (umask 077 && cd "$DIR" \
    && openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Parlor test mail CA" \
         -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
         -keyout ca.key -out ca.pem \
    && openssl req -new -newkey rsa:2048 -nodes -subj /CN=localhost -keyout server.key \
    | openssl x509 -req -CA ca.pem -CAkey ca.key -days 3650 -set_serial "0x$(openssl rand -hex 16)" \
         -extfile <(printf '%s\n' basicConstraints=critical,CA:FALSE extendedKeyUsage=serverAuth \
           keyUsage=critical,digitalSignature,keyEncipherment subjectKeyIdentifier=hash \
           authorityKeyIdentifier=keyid subjectAltName=DNS:localhost,IP:127.0.0.1) \
         -out server.pem) >"$DIR/openssl.log" 2>&1 \
    || { cat "$DIR/openssl.log" >&2; rm -f "$DIR"/{ca,server}.pem; die "openssl failed"; }
  chmod 644 "$DIR/ca.pem" "$DIR/server.pem"
  rm -f "$DIR/openssl.log"
fi

# put FILE CONTENT: write only when it differs (so a second run is a no-op),
# in one step (a running daemon may read it); succeeds only when it wrote.
put() {
  if [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; then return 1; fi
  printf '%s\n' "$2" >"$1.new" && mv "$1.new" "$1"
}
HEAD="# Written by scripts/mail.sh; edits are lost on its next start."
ERR="error:5.7.1 this test mail server delivers to *.test domains only"

# Postfix: /etc/postfix is the system instance's config, which we own whole
# (a second instance would still need this one set up). regexp tables need
# no postmap. Mail for *.test goes over LMTP to Dovecot, which files it in
# the Maildir it serves over IMAP: Postfix's own virtual agent cannot derive
# a mailbox path from any address (it refuses $1 in regexp tables). There is
# no smtp/relay/local transport: other domains resolve to the error
# transport, which smtpd refuses at RCPT, so nothing is ever sent out.
pf_changed=0
put /etc/postfix/parlor-domains.regexp "$HEAD
/\.test\$/ OK" && pf_changed=1
# The local parts Dovecot accepts as user names, plus any +extension.
put /etc/postfix/parlor-mailboxes.regexp "$HEAD
/^[a-z0-9_-][a-z0-9._-]*(\+[^@]*)?@[a-z0-9][a-z0-9.-]*\.test\$/ OK" && pf_changed=1
put /etc/postfix/main.cf "$HEAD
compatibility_level = 3.6
myhostname = localhost
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
maillog_file = $DIR/postfix.log
maillog_file_prefixes = $DIR
alias_maps =
alias_database =
recipient_delimiter = +
message_size_limit = 41943040
virtual_mailbox_domains = regexp:/etc/postfix/parlor-domains.regexp
virtual_mailbox_maps = regexp:/etc/postfix/parlor-mailboxes.regexp
virtual_transport = lmtp:unix:private/dovecot-lmtp
# Retry within seconds, not minutes, when Dovecot was briefly down.
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 5s
default_transport = $ERR
relay_transport = $ERR
local_transport = $ERR
smtpd_tls_chain_files = $DIR/server.key, $DIR/server.pem
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_tls_loglevel = 1
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_sasl_auth_enable = no
smtpd_relay_restrictions = reject_unauth_destination" && pf_changed=1
# No chroot (nothing to copy into it); no service on port 25.
put /etc/postfix/master.cf "$HEAD
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
  -o syslog_name=postfix/relay
127.0.0.1:$SUBMISSION_PORT inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
127.0.0.1:$SMTPS_PORT inet n - n - - smtpd
  -o syslog_name=postfix/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
pickup     unix  n - n 60   1 pickup
cleanup    unix  n - n -    0 cleanup
qmgr       unix  n - n 300  1 qmgr
tlsmgr     unix  - - n 1000? 1 tlsmgr
rewrite    unix  - - n -    - trivial-rewrite
bounce     unix  - - n -    0 bounce
defer      unix  - - n -    0 bounce
trace      unix  - - n -    0 bounce
verify     unix  - - n -    1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n -    - proxymap
proxywrite unix  - - n -    1 proxymap
showq      unix  n - n -    - showq
error      unix  - - n -    - error
retry      unix  - - n -    - error
discard    unix  - - n -    - discard
lmtp       unix  - - n -    - lmtp
anvil      unix  - - n -    1 anvil
scache     unix  - - n -    1 scache
postlog    unix-dgram n - n - 1 postlogd" && pf_changed=1

# Dovecot: a config of our own passed with -c (base_dir in $DIR), so the
# package's /etc/dovecot stays untouched and a system instance, if any, does
# not collide. Any user@*.test logs in with the password; its home is its
# Maildir, made on first login or delivery (LMTP from Postfix; a +extension
# goes to the INBOX). No growing delay after failed logins: tests try wrong
# passwords (a failure still takes about 0.5 s). Logins need TLS, except
# that Dovecot counts loopback as secure: LOGIN before STARTTLS on the IMAP
# port works from 127.0.0.1 all the same.
dc_changed=0
put "$DIR/dovecot.conf" "$HEAD
protocols = imap lmtp
listen = 127.0.0.1
base_dir = $DIR/run
log_path = $DIR/dovecot.log
ssl = required
ssl_cert = <$DIR/server.pem
ssl_key = <$DIR/server.key
ssl_dh = </usr/share/dovecot/dh.pem
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_username_format = %Lu
recipient_delimiter = +
auth_verbose = yes
auth_failure_delay = 0
mail_uid = $VUID
mail_gid = $VGID
first_valid_uid = $VUID
mail_location = maildir:~/Maildir
mail_max_userip_connections = 100
passdb {
  driver = static
  args = password=$PASSWORD
  username_filter = *@*.test !.*
}
# Anyone else: an ordinary authentication failure, not a temporary error.
passdb {
  driver = passwd-file
  args = /dev/null
}
userdb {
  driver = static
  args = home=$DIR/vmail/%Ld/%Ln allow_all_users=yes
}
service imap-login {
  inet_listener imap {
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = $IMAPS_PORT
    ssl = yes
  }
}
service lmtp {
  unix_listener /var/spool/postfix/private/dovecot-lmtp {
    mode = 0600
    user = postfix
    group = postfix
  }
}
service auth {
  unix_listener /var/spool/postfix/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}" && dc_changed=1

# Start, or reload when the configuration changed. Postfix first: it makes
# the spool dir where Dovecot puts its auth and LMTP sockets.
if postfix_up; then
  if [ "$pf_changed" = 1 ]; then say "reloading Postfix"; postfix reload >&2; fi
else
  ports_free "${SMTP_PORTS[@]}"
  say "starting Postfix on 127.0.0.1:$SMTP_PORT,$SUBMISSION_PORT,$SMTPS_PORT (log: $DIR/postfix.log)"
  postfix start >&2 || fail_with_log "$DIR/postfix.log" "postfix start failed"
fi
wait_ports open "$DIR/postfix.log" "${SMTP_PORTS[@]}"
[ "$cmd" = smtp-start ] && exit 0

# A changed config means a restart: Dovecot 2.3.19's master can crash on
# SIGHUP (seen here when a passdb was added).
if dovecot_up && [ "$dc_changed" = 1 ]; then stop_dovecot; fi
if ! dovecot_up; then
  ports_free "${IMAP_PORTS[@]}"
  say "starting Dovecot on 127.0.0.1:$IMAP_PORT,$IMAPS_PORT (log: $DIR/dovecot.log)"
  # Stale after a crash or reboot: a pid file whose pid now belongs to a
  # stranger stops Dovecot, and with the penalty listener off, its auth
  # waits 5 s on a leftover socket of it.
  rm -f "$DC_PIDFILE" "$DIR/run/anvil-auth-penalty"
  dovecot -c "$DIR/dovecot.conf" || fail_with_log "$DIR/dovecot.log" "dovecot failed to start"
fi
wait_ports open "$DIR/dovecot.log" "${IMAP_PORTS[@]}"

print_env
