"""Signs a model with upstream's model_signing library (the OMS reference implementation), with the
hashing options its CLI does not expose. Test code.

    test-python sign_with_model_signing.py MODEL SIGNATURE PRIVATE_KEY HASH SERIALIZATION SHARD_SIZE IGNORED_JSON

HASH: sha256 | blake2 | blake3; SERIALIZATION: files | shards; IGNORED_JSON: a JSON list of paths.
"""
import json
import sys

from model_signing import hashing, signing

model, signature, key, algorithm, serialization, shard_size, ignored = sys.argv[1:]
config = hashing.Config()
if serialization == "shards":
    config.use_shard_serialization(hashing_algorithm=algorithm, shard_size=int(shard_size))
else:
    config.use_file_serialization(hashing_algorithm=algorithm)
config.set_ignored_paths(paths=json.loads(ignored), ignore_git_paths=True)
signing.Config().use_elliptic_key_signer(private_key=key).set_hashing_config(config).sign(model, signature)
