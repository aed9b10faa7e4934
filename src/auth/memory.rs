//! Argon2's working memory in pages of its own.
//!
//! A 19 MiB `Vec` per hash goes through malloc, which after the first free serves such
//! sizes from per-thread arenas and keeps them: 96 sign-ins left the process 1.8 GB
//! larger. Mapped directly, the memory is the process's only while it is held, and
//! unmapping gives it back to the system at once.

use std::ptr::NonNull;

use argon2::Block;

/// Argon2 blocks, grown on demand, reused until dropped.
#[derive(Default)]
pub struct Memory(Option<Pages>);

impl Memory {
    /// The first `count` blocks; `None` when the system has no memory to map.
    pub fn blocks(&mut self, count: usize) -> Option<&mut [Block]> {
        if self.0.as_ref().is_none_or(|pages| pages.len < count) {
            self.0 = None; // unmap the smaller mapping before making the larger one
            self.0 = Some(Pages::map(count)?);
        }
        self.0
            .as_mut()
            .map(|pages| &mut pages.as_mut_slice()[..count])
    }

    /// Bytes held.
    pub fn size(&self) -> usize {
        self.0.as_ref().map_or(0, |pages| pages.len * Block::SIZE)
    }
}

/// An anonymous private mapping holding `len` blocks.
struct Pages {
    ptr: NonNull<Block>,
    len: usize,
}

// SAFETY: `Pages` owns its mapping exclusively, like a `Box<[Block]>`.
unsafe impl Send for Pages {}

impl Pages {
    fn map(len: usize) -> Option<Self> {
        let bytes = len.checked_mul(size_of::<Block>()).filter(|&b| b > 0)?;
        // SAFETY: a fresh anonymous mapping touches no existing memory; the result is
        // checked for failure before use.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                bytes,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return None;
        }
        NonNull::new(ptr.cast::<Block>()).map(|ptr| Self { ptr, len })
    }

    fn as_mut_slice(&mut self) -> &mut [Block] {
        // SAFETY: the mapping is `len` blocks long, page-aligned (more than a Block's 64
        // bytes), zero-filled by the kernel (a valid Block is any bit pattern of u64s), and
        // borrowed mutably through `&mut self` only.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for Pages {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the mapping made in `map`, which nothing borrows any more.
        unsafe {
            libc::munmap(self.ptr.as_ptr().cast(), self.len * size_of::<Block>());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_on_demand_and_keeps_its_size() {
        let mut memory = Memory::default();
        assert_eq!(memory.size(), 0);
        assert_eq!(memory.blocks(8).map(|b| b.len()), Some(8));
        assert_eq!(memory.size(), 8 * 1024);
        memory.blocks(8).unwrap()[7] = Block::new();
        assert_eq!(memory.blocks(4).map(|b| b.len()), Some(4));
        assert_eq!(memory.size(), 8 * 1024);
        assert_eq!(memory.blocks(16).map(|b| b.len()), Some(16));
        assert_eq!(memory.size(), 16 * 1024);
    }
}
