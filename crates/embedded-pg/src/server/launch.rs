//! Creating the cluster and launching its server: `initdb`, the check of the cluster's
//! major version against the binaries', `pg_ctl start`, and reading back where the
//! running server listens from its `postmaster.pid`.

use super::*;

impl EmbeddedPostgres {
    pub(crate) fn initdb(&self, opts: &EmbeddedOptions) -> Result<(), EmbeddedError> {
        tracing::info!(
            data_dir = %self.data_dir.display(),
            bin_dir = %self.bin_dir.display(),
            run_as = %self.who.label,
            "creating embedded PostgreSQL cluster"
        );
        let mut cmd = self
            .who
            .command(&self.bin_dir.join("initdb"), &self.base_dir);
        cmd.arg("-D").arg(&self.data_dir).args([
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-instructions",
        ]);
        if !opts.durable {
            cmd.arg("--no-sync");
        }
        let out = self.run(&mut cmd, "initdb")?;
        if !out.status.success() {
            return Err(EmbeddedError::InitdbFailed {
                data_dir: self.data_dir.clone(),
                status: out.status.to_string(),
                output: tail_lines(&out.text, TAIL_LINES),
            });
        }
        Ok(())
    }

    /// Catches a cluster/binary major-version mismatch up front, where the server would only
    /// say so in its log.
    pub(crate) fn check_data_version(&self) -> Result<(), EmbeddedError> {
        let Ok(data_version) = fs::read_to_string(self.data_dir.join("PG_VERSION")) else {
            return Ok(());
        };
        let data_version = data_version.trim().to_owned();
        let Ok((bin_major, bin_version)) = server_version(&self.bin_dir) else {
            return Ok(());
        };
        if data_version.parse::<u32>().is_ok_and(|v| v != bin_major) {
            return Err(EmbeddedError::VersionMismatch {
                data_dir: self.data_dir.clone(),
                data_version,
                bin_dir: self.bin_dir.clone(),
                bin_version,
            });
        }
        Ok(())
    }

    pub(crate) fn start_server(&self, opts: &EmbeddedOptions) -> Result<(), EmbeddedError> {
        let mut server_args: Vec<Vec<u8>> = vec![
            b"-c".to_vec(),
            b"listen_addresses=".to_vec(),
            b"-k".to_vec(),
            self.socket_dir.as_os_str().as_bytes().to_vec(),
            b"-p".to_vec(),
            PORT.to_string().into_bytes(),
            b"-c".to_vec(),
            b"unix_socket_permissions=0700".to_vec(),
        ];
        if !opts.durable {
            for setting in [
                "fsync=off",
                "synchronous_commit=off",
                "full_page_writes=off",
            ] {
                server_args.push(b"-c".to_vec());
                server_args.push(setting.as_bytes().to_vec());
            }
        }
        for (name, value) in &opts.settings {
            server_args.push(b"-c".to_vec());
            server_args.push(format!("{name}={value}").into_bytes());
        }
        // pg_ctl pastes -o into a `sh -c` command line, so every word must be shell-quoted.
        let server_opts = OsString::from_vec(
            server_args
                .iter()
                .map(|a| shell_quote(a))
                .collect::<Vec<_>>()
                .join(&b' '),
        );

        tracing::info!(
            data_dir = %self.data_dir.display(),
            bin_dir = %self.bin_dir.display(),
            run_as = %self.who.label,
            socket_dir = %self.socket_dir.display(),
            durable = opts.durable,
            "starting embedded PostgreSQL"
        );
        let out = self.run(
            self.pg_ctl()
                .arg("-D")
                .arg(&self.data_dir)
                .arg("-l")
                .arg(&self.log_file)
                .args(["-w", "-t", "60", "-o"])
                .arg(server_opts)
                .arg("start"),
            "pg_ctl",
        )?;
        if !out.status.success() {
            let mut output = tail_lines(&out.text, TAIL_LINES);
            if let Some(log) = tail_file(&self.log_file, TAIL_LINES) {
                output.push_str(&format!(
                    "\n--- last lines of {} ---\n{log}",
                    self.log_file.display()
                ));
            }
            return Err(EmbeddedError::StartFailed {
                data_dir: self.data_dir.clone(),
                log_file: self.log_file.clone(),
                status: out.status.to_string(),
                output,
            });
        }
        Ok(())
    }

    /// Takes the socket directory and port from the running server's postmaster.pid, so a server
    /// started with different settings (or an older base_dir spelling) is still found.
    pub(crate) fn adopt_pid_file(&mut self) {
        let Ok(pid_file) = fs::read(self.data_dir.join("postmaster.pid")) else {
            return;
        };
        // Lines: pid, data dir, start time, port, first socket dir, listen address, shm key, status.
        let lines: Vec<&[u8]> = pid_file.split(|b| *b == b'\n').collect();
        if let Some(port) = lines
            .get(3)
            .and_then(|l| std::str::from_utf8(l).ok())
            .and_then(|l| l.trim().parse().ok())
        {
            self.port = port;
        }
        if let Some(dir) = lines.get(4).filter(|l| l.starts_with(b"/")) {
            self.socket_dir = PathBuf::from(OsString::from_vec(dir.to_vec()));
        }
    }
}
