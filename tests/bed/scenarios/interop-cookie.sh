# interop-cookie: stateless COOKIEs both ways, with the seed's proposal.
# strongSwan (gw1) leaves a half-open IKE SA on ikeflowd (gw2, which sends
# COOKIEs from one half-open SA on) and initiates: ikeflowd answers with a
# COOKIE, charon repeats its IKE_SA_INIT with it and the tunnel comes up.
# Then ikeflowd leaves a half-open SA on charon (cookie_threshold = 1) and
# initiates: charon's COOKIE is echoed by ikeflowd and the tunnel comes up.
# Each time 10 pings count exactly on both sides.
# bed-timeout: 150

. "$SRCDIR/tests/bed/interop-lib.sh"

BED_SWAN_CHARON="cookie_threshold = 1"
IOP_TABLE=$(echo "$IOP_TABLE" | grep '^seed|')
iop_setup "$IOP_CONF/cookie.conf"
iop_each iop_cookie_round
