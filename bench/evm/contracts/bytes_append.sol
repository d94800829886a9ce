// SPDX-License-Identifier: MIT
// bytes_append: n one-byte appends written in place into a buffer allocated once.
pragma solidity ^0.8.28;

contract BytesAppend {
    function run(uint256 n) external pure returns (uint256, bytes32) {
        bytes memory buf = new bytes(n);
        for (uint256 i = 0; i < n; i++) {
            buf[i] = bytes1(uint8(i));
        }
        return (buf.length, keccak256(buf));
    }
}
