// Tests reach loopback only: no TUF refresh of the Sigstore root (src/signing/public-good-root.ts).
process.env.MODEL_PROMOTE_OFFLINE = '1';
