"""The MLflow Python client, as a user drives it, for the tests against the real MLflow server.

    test-python mlflow_client.py register TRACKING_URI MODEL VERSION_DIR LABELS_JSON [ALIAS]
        logs VERSION_DIR's files as a run's artifacts, registers them as a new version of MODEL
        (created when missing), sets the labels as version tags and ALIAS on it; prints the version.
    test-python mlflow_client.py show TRACKING_URI MODEL
        prints {"aliases": {...}, "versions": {"1": {"tags": {...}, "status": ...}}} as JSON.

Test code. Prints JSON on stdout; errors go to stderr with exit code 1.
"""
import json
import sys

from mlflow import MlflowClient, set_tracking_uri, start_run, log_artifacts


def register(uri, model, folder, labels, alias=None):
    set_tracking_uri(uri)
    client = MlflowClient(tracking_uri=uri)
    try:
        client.get_registered_model(model)
    except Exception:
        client.create_registered_model(model)
    with start_run() as run:
        log_artifacts(folder, artifact_path="model")
        source = f"{run.info.artifact_uri}/model"
        run_id = run.info.run_id
    version = client.create_model_version(model, source, run_id=run_id, tags=labels)
    if alias:
        client.set_registered_model_alias(model, alias, version.version)
    print(json.dumps({"version": version.version, "source": source}))


def show(uri, model):
    client = MlflowClient(tracking_uri=uri)
    registered = client.get_registered_model(model)
    versions = client.search_model_versions(f"name='{model}'")
    print(json.dumps({
        "aliases": dict(registered.aliases),
        "versions": {v.version: {"tags": dict(v.tags), "status": v.status} for v in versions},
    }))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "register":
        uri, model, folder, labels, *alias = args
        register(uri, model, folder, json.loads(labels), alias[0] if alias else None)
    elif command == "show":
        show(*args)
    else:
        sys.exit(f"unknown command {command}")
