//! Password hashes run a few at a time, on memory that is reused while hashes wait and
//! given back when none do, so no burst of sign-ins can take more CPU than the machine
//! has, more memory than a few hashes need, or keep that memory afterwards.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;

use super::password::{self, Memory};
use crate::error::ApiError;

/// Longest password that is hashed at all; longer ones cannot match (the policy allows
/// 256 characters, at most 1024 bytes).
const MAX_PASSWORD_BYTES: usize = 1024;

/// Hashes that may run at once whatever the core count: 4 × 19 MiB keeps sign-in under
/// 100 MB of hashing memory.
pub const MAX_PARALLEL_HASHES: usize = 4;

/// Runs password hashes with at most `concurrency` at once; the others wait in line for
/// up to the queue timeout and are then told to come back (503).
pub struct PasswordHashing {
    permits: Arc<Semaphore>,
    /// One [`Memory`] per running hash at most: a hash takes one out and puts it back
    /// while others are in line.
    memories: Arc<Mutex<Vec<Memory>>>,
    /// Hashes waiting or running.
    pending: Arc<AtomicUsize>,
    queue_timeout: Duration,
}

/// Counts a hash as pending for as long as it lives.
struct Pending(Arc<AtomicUsize>);

impl Pending {
    fn new(counter: &Arc<AtomicUsize>) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        Self(counter.clone())
    }

    /// Whether other hashes wait or run besides this one.
    fn others(&self) -> bool {
        self.0.load(Ordering::SeqCst) > 1
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl PasswordHashing {
    pub fn new(concurrency: usize, queue_timeout: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            memories: Arc::new(Mutex::new(Vec::new())),
            pending: Arc::new(AtomicUsize::new(0)),
            queue_timeout,
        }
    }

    /// One hash at a time per core, the most that can run in parallel anyway, and at most
    /// [`MAX_PARALLEL_HASHES`], so that sign-in memory stays bounded on large machines too.
    pub fn per_core(queue_timeout: Duration) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::new(cores.min(MAX_PARALLEL_HASHES), queue_timeout)
    }

    /// True when `password` matches the stored PHC string `hash`.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, ApiError> {
        if password.len() > MAX_PASSWORD_BYTES {
            return Ok(false);
        }
        self.run(move |memory| password::verify_with(&password, &hash, memory))
            .await
    }

    /// A PHC string for a new password.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(move |memory| password::hash_with(&password, memory))
            .await?
            .map_err(|e| ApiError::internal(std::io::Error::other(e.to_string())))
    }

    /// Bytes of hashing memory held between hashes (at most one hash's worth per permit,
    /// none once no hash is pending).
    pub fn memory_held(&self) -> usize {
        lock(&self.memories).iter().map(Memory::size).sum()
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Memory) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let pending = Pending::new(&self.pending);
        let permit = tokio::time::timeout(self.queue_timeout, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| {
                ApiError::Unavailable(
                    "Too many password checks are waiting; retry in a few seconds.".into(),
                )
            })?
            .map_err(ApiError::internal)?;
        let memories = self.memories.clone();
        // The permit and the memory go into the blocking task, so that a request dropped
        // while its hash runs neither frees a permit early nor loses the memory.
        tokio::task::spawn_blocking(move || {
            let mut memory = lock(&memories).pop().unwrap_or_default();
            let result = work(&mut memory);
            if pending.others() {
                lock(&memories).push(memory);
            } else {
                // The last one out: unmapping gives the memory back to the system.
                drop(memory);
                lock(&memories).clear();
            }
            drop(permit);
            result
        })
        .await
        .map_err(ApiError::internal)
    }
}

fn lock(memories: &Mutex<Vec<Memory>>) -> std::sync::MutexGuard<'_, Vec<Memory>> {
    // The guarded Vec stays consistent even if a holder panicked: push and pop only.
    memories.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_memory_is_given_back_when_idle() {
        let hashing = Arc::new(PasswordHashing::new(2, Duration::from_secs(30)));
        let stored = hashing.hash("correct horse battery".into()).await.unwrap();
        let checks = (0..8).map(|i| {
            let (hashing, stored) = (hashing.clone(), stored.clone());
            tokio::spawn(async move {
                let guess = if i % 2 == 0 {
                    "correct horse battery"
                } else {
                    "wrong"
                };
                hashing.verify(guess.into(), stored).await.unwrap() == (i % 2 == 0)
            })
        });
        for check in checks {
            assert!(check.await.unwrap());
        }
        // All done: nothing is kept.
        assert_eq!(hashing.memory_held(), 0);
        assert!(!hashing.verify("x".repeat(2000), stored).await.unwrap());
    }

    #[tokio::test]
    async fn a_full_queue_answers_503_after_the_timeout() {
        let hashing = PasswordHashing::new(1, Duration::from_millis(20));
        let _busy = hashing.permits.clone().acquire_owned().await.unwrap();
        let refused = hashing
            .verify("correct horse battery".into(), "$argon2id$…".into())
            .await
            .unwrap_err();
        assert!(matches!(refused, ApiError::Unavailable(_)), "{refused:?}");
    }
}
