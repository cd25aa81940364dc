# Varnish in front of a Garner API (Varnish 6+ with varnish-modules for the xkey vmod).
#
# Public responses are kept for their `s-maxage` and indexed by the surrogate keys Garner sends
# in the `xkey` header; Garner's varnishPurger purges them by key on every write with
# `PURGE /` and an `xkey-purge` header. Private responses (`Cache-Control: private`) and
# requests that carry `Authorization` or `Cookie` are never shared: Varnish's built-in VCL,
# which runs after each subroutine below, passes and does not store them.
vcl 4.1;

import xkey;

# The API. `pnpm demo:edge` and the tests rewrite the port to the demo's.
backend default {
    .host = "127.0.0.1";
    .port = "3000";
}

# Who may purge: the API servers. Keep this list tight (or check a shared secret header too).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-purge) {
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        } elsif (req.http.xkey-softpurge) {
            set req.http.n-gone = xkey.softpurge(req.http.xkey-softpurge);
        } else {
            return (synth(400, "PURGE needs an xkey-purge or xkey-softpurge header"));
        }
        return (synth(200, "Purged " + req.http.n-gone));
    }
}

sub vcl_deliver {
    # The keys are for Varnish alone.
    unset resp.http.xkey;
    # Shows whether Varnish answered from its cache (handy with curl -i).
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
