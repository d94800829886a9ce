// SPDX-License-Identifier: MIT
// token: an ERC20-like ledger; only the owner mints (setup), anyone transfers (timed).
pragma solidity ^0.8.28;

contract Token {
    mapping(address => uint256) public balanceOf;
    uint256 public totalSupply;
    address public owner;

    event Transfer(address indexed from, address indexed to, uint256 value);

    constructor() {
        owner = msg.sender;
    }

    function mint(address to, uint256 amount) external {
        require(msg.sender == owner, "not owner");
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        uint256 bal = balanceOf[msg.sender];
        require(bal >= amount, "balance too low");
        // The require above rules out underflow; the usual ERC20 idiom (and WORKLOADS.md's
        // own gas figure) skips the redundant check here. `+=` below stays checked.
        unchecked {
            balanceOf[msg.sender] = bal - amount;
        }
        balanceOf[to] += amount;
        emit Transfer(msg.sender, to, amount);
        return true;
    }
}
