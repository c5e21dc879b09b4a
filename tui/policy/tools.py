"""What command-line tools do with their arguments: parser knowledge, not policy.

Which options take a value (so `kubectl -n prod delete` has subcommand `delete`), which wrappers run
another command (`sudo`, `env`, `timeout`, `xargs`, …), which tools read or write the files they are given
and which hand SQL or shell text to something else. Policy (what is dangerous) lives in `rules/*.yaml`.
"""

from __future__ import annotations


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Wrappers that run the rest of their argv: name → options that take a value.
WRAPPERS: dict[str, frozenset[str]] = {
    "sudo": _set("-u -g -C -D -h -p -r -t -U -T --user --group --chdir --host --prompt --role --type "
                 "--other-user --close-from --command-timeout"),
    "doas": _set("-u -C"),
    "env": _set("-u --unset -C --chdir -S --split-string"),
    "nice": _set("-n --adjustment"),
    "ionice": _set("-c -n -p --class --classdata"),
    "timeout": _set("-s --signal -k --kill-after"),
    "nohup": frozenset(), "time": frozenset(), "coproc": frozenset(), "setsid": frozenset(),
    "unbuffer": frozenset(),
    "command": frozenset(), "builtin": frozenset(), "exec": _set("-a"), "caffeinate": frozenset(),
    "stdbuf": _set("-i -o -e --input --output --error"),
    "chroot": _set("--userspec --groups"), "runuser": _set("-u -g -G --user --group"),
    "flock": _set("-w -E --timeout --conflict-exit-code"), "taskset": frozenset(),
    "strace": _set("-e -o -p -s -u"), "ltrace": _set("-e -o -p -s -u"), "firejail": frozenset(),
    "proxychains": _set("-f"), "proxychains4": _set("-f"), "torsocks": frozenset(),
}
#: Wrappers whose first positional is consumed before the command (a duration, a dir, a lock file).
WRAPPER_SKIP = {"timeout": 1, "chroot": 1, "flock": 1, "taskset": 1}
PRIVILEGED = frozenset({"sudo", "doas", "su", "runuser", "chroot", "pkexec"})
#: Task runners that run a command: tool → (its subcommand, options taking a value).
RUNNERS: dict[str, tuple[str, frozenset[str]]] = {
    "uv": ("run", _set("--with --python -p --project --directory --package --group --extra --env-file "
                       "--index --with-requirements")),
    "poetry": ("run", _set("-C --directory -P --project")), "pipenv": ("run", frozenset()),
    "pdm": ("run", frozenset()), "rye": ("run", frozenset()), "bundle": ("exec", frozenset()),
    "conda": ("run", _set("-n --name -p --prefix")), "mamba": ("run", _set("-n --name -p --prefix")),
    "pixi": ("run", _set("-e --environment --manifest-path")),
}

SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "busybox", "tcsh", "csh"})
INTERPRETERS = frozenset({"python", "python3", "python2", "perl", "ruby", "node", "php", "pwsh",
                          "powershell", "lua", "deno", "bun", "osascript", "Rscript"})
SHELL_VALUE = _set("-o -O +O --rcfile --init-file")

#: Options that take a separate value, per tool (so values are not taken for subcommands).
VALUE_FLAGS: dict[str, frozenset[str]] = {
    "git": _set("-C -c --git-dir --work-tree --namespace -m --message -F --file -b -B --author --date "
                "-X -s --strategy -o --push-option --exec --reuse-message --format --pretty"),
    "kubectl": _set("-n --namespace --context --cluster --user --kubeconfig -s --server --token -l "
                    "--selector -o --output -f --filename -c --container --field-selector --as "
                    "--request-timeout -L -k --kustomize --replicas --timeout --grace-period --for --type "
                    "-p --patch --image --port --tail --since --sort-by --template"),
    "helm": _set("-n --namespace --kube-context --kubeconfig -f --values --set --set-string --version "
                 "--repo -o --output --timeout"),
    "terraform": _set("-var -target -var-file -out -state -backup -lock-timeout -parallelism -chdir"),
    "aws": _set("--profile --region --output --endpoint-url --query --color --cli-read-timeout "
                "--cli-connect-timeout --ca-bundle"),
    "gcloud": _set("--project --account --configuration --zone --region --format --verbosity "
                   "--impersonate-service-account"),
    "az": _set("--subscription -g --resource-group -n --name -o --output --query"),
    "docker": _set("-H --host --context --config -l --log-level -e --env --volume -w --workdir -u "
                   "--user -p --publish --name --network --env-file --entrypoint --platform"),
    "psql": _set("-h --host -p --port -U --username -d --dbname -c --command -f --file -v --set -o "
                 "--output -P"),
    "mysql": _set("-h --host -P --port -u --user -e --execute -D --database"),
    "redis-cli": _set("-h -p -a -n -u --user --pass"),
    "mongosh": _set("--host --port -u --username -p --password --eval --authenticationDatabase"),
    "curl": _set("-X --request -H --header -d --data --data-raw --data-binary --data-urlencode -F --form "
                 "-o --output -u --user -A --user-agent -e --referer -b --cookie -c --cookie-jar -T "
                 "--upload-file -x --proxy -m --max-time --connect-timeout -w --write-out --url --json "
                 "-K --config --cacert --cert --key -r --range --retry --resolve"),
    "wget": _set("-O --output-document -o --output-file -P --directory-prefix --header --post-data "
                 "--post-file --method --body-data --body-file -U --user-agent --user --password -t "
                 "--tries -T --timeout"),
    "ssh": _set("-b -c -D -E -e -F -I -i -J -L -l -m -O -o -p -Q -R -S -W -w -B"),
    "scp": _set("-P -i -o -F -c -l -S -J"),
    "rsync": _set("-e --rsh --exclude --include --filter -f --exclude-from --include-from --files-from "
                  "--chmod --chown --backup-dir --log-file --password-file --port"),
    "systemctl": _set("-H --host -M --machine -t --type -p --property -n --lines -o --output --signal "
                      "--state"),
    "grep": _set("-e --regexp -f --file -A -B -C -m --max-count --include --exclude --exclude-dir"),
    "rg": _set("-e --regexp -f --file -A -B -C -m --max-count -g --glob -t --type -T --type-not"),
    "sed": _set("-e --expression -f --file"), "awk": _set("-F -v -f"),
    "head": _set("-n -c --lines --bytes"), "tail": _set("-n -c --lines --bytes"),
    "sort": _set("-k -t -o --output"), "cut": _set("-d -f -c -b"),
    "cp": _set("-t --target-directory -S --suffix"), "mv": _set("-t --target-directory -S --suffix"),
    "ln": _set("-t --target-directory -S --suffix"), "install": _set("-m --mode -o --owner -g --group -t"),
    "chmod": _set("--reference"), "chown": _set("--reference"), "truncate": _set("-s --size -r --reference"),
    "tar": _set("-f --file -C --directory -T --files-from -X --exclude-from"),
    "openssl": _set("-in -out -inkey -key -passin -passout -config"),
    "gpg": _set("-o --output -r --recipient -u --local-user --homedir"),
    "ssh-keygen": _set("-f -t -b -C -N -P"), "find": frozenset(),
    "xargs": _set("-I -n -P -L -d -E -s -a --max-args --max-procs --delimiter --arg-file"),
    "npm": _set("--prefix -w --workspace"), "gh": _set("-R --repo -X --method -f -F --field -H --header"),
    "redis": frozenset(),
}
for _alias, _tool in (("mariadb", "mysql"), ("mongo", "mongosh"), ("tofu", "terraform"),
                      ("terragrunt", "terraform"), ("egrep", "grep"), ("fgrep", "grep"), ("ag", "rg"),
                      ("gsed", "sed"), ("gawk", "awk"), ("http", "curl"), ("xh", "curl")):
    VALUE_FLAGS.setdefault(_alias, VALUE_FLAGS[_tool])

#: Tools whose positional arguments are files they read (after skipping a leading script/pattern).
READERS: dict[str, int] = {
    **dict.fromkeys(("cat", "less", "more", "head", "tail", "bat", "tac", "nl", "base64", "base32", "xxd",
                     "od", "hexdump", "strings", "wc", "md5sum", "sha1sum", "sha256sum", "sha512sum",
                     "file", "diff", "cmp", "vim", "vi", "nvim", "nano", "emacs", "code",
                     "sort", "uniq", "column", "iconv", "gpg", "zip", "scp", "rsync", "cp", "ssh-add",
                     "dos2unix", "fold", "openssl", "mv", "ssh-keygen", "curl", "tar", "7z", "gzip",
                     "bzip2", "xz", "zstd", "rclone", "gsutil"), 0),
    **dict.fromkeys(("grep", "egrep", "fgrep", "rg", "ag", "ack", "awk", "gawk", "sed", "jq", "yq"), 1),
}
#: Tools whose targets they write or delete: name → which positionals ("all", "last", "rest").
WRITERS: dict[str, str] = {
    **dict.fromkeys(("rm", "rmdir", "shred", "unlink", "truncate", "touch", "tee", "mkfs", "wipefs"), "all"),
    **dict.fromkeys(("cp", "ln", "install", "rsync", "scp"), "last"),
    **dict.fromkeys(("chmod", "chown", "chgrp", "setfacl", "chattr"), "rest"),
    "mv": "all",
}
#: In-place editors: writes their files only with the flag.
IN_PLACE = {"sed": ("-i", "--in-place"), "perl": ("-i", "-pi"), "ruby": ("-i",)}
#: Database clients: name → options carrying SQL, and whether extra positionals are SQL (sqlite3).
SQL_CLIENTS: dict[str, frozenset[str]] = {
    "psql": _set("-c --command"), "mysql": _set("-e --execute"), "mariadb": _set("-e --execute"),
    "sqlite3": frozenset(), "duckdb": _set("-c"), "clickhouse-client": _set("-q --query"),
    "cockroach": _set("-e --execute"), "sqlcmd": _set("-q -Q"), "snowsql": _set("-q --query"),
    "bq": frozenset(), "mycli": _set("-e --execute"), "pgcli": frozenset(),
}
HTTP_CLIENTS = frozenset({"curl", "wget", "http", "https", "xh", "xhs"})
#: Places another shell command runs: tool → (subcommand, options taking a value).
REMOTE_EXEC: dict[str, tuple[str, frozenset[str]]] = {
    "kubectl": ("exec", _set("-n --namespace --context -c --container --kubeconfig")),
    "docker": ("exec", _set("-e --env -u --user -w --workdir --env-file")),
    "podman": ("exec", _set("-e --env -u --user -w --workdir --env-file")),
}
