#!/usr/bin/env bash
# The run step of action.yml: `manikit lint` with the action's inputs (passed as environment variables,
# never interpolated into the script), annotations on stdout, SARIF to a file, outputs for later steps.
#   MANIKIT_PATHS (space-separated, default "."), MANIKIT_CONFIG, MANIKIT_FAIL_ON (default error),
#   MANIKIT_FORMAT (default github), MANIKIT_SARIF_FILE (empty: no SARIF), MANIKIT (the command).
set -uo pipefail

manikit=${MANIKIT:-manikit}
read -r -a paths <<< "${MANIKIT_PATHS:-.}"
[ ${#paths[@]} -gt 0 ] || paths=(.)
args=(lint --format "${MANIKIT_FORMAT:-github}" --fail-on "${MANIKIT_FAIL_ON:-error}")
[ -n "${MANIKIT_CONFIG:-}" ] && args+=(--config "$MANIKIT_CONFIG")
[ -n "${MANIKIT_SARIF_FILE:-}" ] && args+=(--sarif-file "$MANIKIT_SARIF_FILE")

"$manikit" "${args[@]}" -- "${paths[@]}"
code=$?

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "exit-code=$code"
    if [ -n "${MANIKIT_SARIF_FILE:-}" ] && [ -f "$MANIKIT_SARIF_FILE" ]; then
      echo "sarif-file=$MANIKIT_SARIF_FILE"
    else
      echo "sarif-file="
    fi
  } >> "$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  case $code in
    0) verdict="no findings at or above ${MANIKIT_FAIL_ON:-error}" ;;
    1) verdict="findings at or above ${MANIKIT_FAIL_ON:-error} (see the annotations)" ;;
    *) verdict="manikit could not lint (exit $code)" ;;
  esac
  echo "manikit lint ${paths[*]}: $verdict" >> "$GITHUB_STEP_SUMMARY"
fi
exit $code
